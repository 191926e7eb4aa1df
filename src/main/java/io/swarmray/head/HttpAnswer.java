package io.swarmray.head;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An HTTP/1.x answer as {@link HeadProbe#EXEC_CLIENT} prints it (status line, headers, body), read back.
 *
 * @param whole the body has the Content-Length the headers give: all of it arrived
 * @param cut   the headers give a Content-Length the body does not have (the server or the client stopped early)
 */
record HttpAnswer(HeadProbe.Reply reply, boolean whole, boolean cut) {
    private static final Pattern STATUS = Pattern.compile("HTTP/1\\.[01] ([1-5][0-9][0-9])(?: [^\r\n]*)?");
    private static final Pattern LENGTH = Pattern.compile("(?m)^content-length:[ \t]*([0-9]{1,10})[ \t]*\r?$");

    /** The answer in {@code out}, or null when it holds no status line and headers. */
    static HttpAnswer parse(String out) {
        int headEnd = out.indexOf("\r\n\r\n");
        if (headEnd < 0) {
            return null;
        }
        String head = out.substring(0, headEnd);
        int lineEnd = head.indexOf("\r\n");
        Matcher status = STATUS.matcher(lineEnd < 0 ? head : head.substring(0, lineEnd));
        if (!status.matches()) {
            return null;
        }
        String body = out.substring(headEnd + 4);
        Matcher length = LENGTH.matcher(head.toLowerCase(Locale.ROOT));
        var reply = new HeadProbe.Reply(Integer.parseInt(status.group(1)), body);
        if (!length.find()) {
            return new HttpAnswer(reply, false, false); // whole once the client ended well (it read until the server closed)
        }
        boolean whole = body.getBytes(StandardCharsets.UTF_8).length == Long.parseLong(length.group(1));
        return new HttpAnswer(reply, whole, !whole);
    }
}

package io.swarmray.head;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An HTTP/1.x answer as {@link HeadProbe#EXEC_CLIENT} prints it (status line, headers, body), read back.
 *
 * @param bodyBytes     the body's length in UTF-8 bytes
 * @param contentLength the length the headers give, or -1 when they give none
 */
record HttpAnswer(HeadProbe.Reply reply, long bodyBytes, long contentLength) {
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
        return new HttpAnswer(new HeadProbe.Reply(Integer.parseInt(status.group(1)), body), body.getBytes(StandardCharsets.UTF_8).length,
                length.find() ? Long.parseLong(length.group(1)) : -1);
    }

    /** The body has the Content-Length the headers give: all of it arrived. */
    boolean whole() {
        return contentLength >= 0 && bodyBytes == contentLength;
    }

    /**
     * The headers give a Content-Length the body does not have: the server or the client stopped early. Without a
     * length the answer is whole once the client ended well (it read until the server closed).
     */
    boolean cut() {
        return contentLength >= 0 && bodyBytes != contentLength;
    }
}

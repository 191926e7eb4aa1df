package io.swarmray.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BashQuotingTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '^', value = {
            "\"{\\\"GPU\\\": 1}\"|{\"GPU\": 1}",
            "'{\"GPU\": 1}'|{\"GPU\": 1}",
            "plain|plain",
            "$(rm -rf /)|$(rm -rf /)",
            "`id`|`id`",
            "\"$HOME\"|$HOME",
            "a\\ b|a b",
            "a b|a b",
            "'it'\\''s'|it's",
            "\"a\\nb\"|a\\nb",
            "x;y|x;y",
    })
    void removesOneLayerAndExpandsNothing(String in, String out) {
        assertEquals(out, BashQuoting.unquote(in));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '^', value = {"'open", "\"open", "a\"b"})
    void unclosedQuotesAreErrors(String in) {
        assertThrows(IllegalArgumentException.class, () -> BashQuoting.unquote(in));
    }
}

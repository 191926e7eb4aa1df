package io.swarmray.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigDecimal;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class QuantityTest {

    @ParameterizedTest
    @CsvSource({"500m,0.5", "2,2", "1.5,1.5", "4Gi,4294967296", "512M,512000000", "1e9,1000000000", "1k,1000", "0.5Ki,512"})
    void parsesKubernetesQuantities(String in, String expected) {
        assertEquals(0, new BigDecimal(expected).compareTo(Quantity.parse(in)), in);
    }

    @ParameterizedTest
    @ValueSource(strings = {"abc", "5Zi", "-1", "1e40", "", "1 Gi", "0x10", "99999999999999999999Ei"})
    void refusesWhatIsNotAQuantity(String in) {
        assertThrows(IllegalArgumentException.class, () -> Quantity.parse(in));
    }

    @ParameterizedTest
    @CsvSource({"0.5,1", "1.5,2", "2,2", "0.001,1"})
    void roundsUpLikeKubernetesValue(String in, long expected) {
        assertEquals(expected, Quantity.ceil(new BigDecimal(in)));
    }
}

package io.swarmray.autoscaler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The server certificate is valid for the API's name under SwarmRay's CA, and under no other CA. */
class CertificatesTest {
    static void validate(X509Certificate server, X509Certificate ca) throws Exception {
        var params = new PKIXParameters(Set.of(new TrustAnchor(ca, null)));
        params.setRevocationEnabled(false);
        CertPathValidator.getInstance("PKIX").validate(CertificateFactory.getInstance("X.509").generateCertPath(List.of(server)), params);
    }

    @Test
    void serverCertificateChainsToTheCaWithTheApiName() throws Exception {
        var ca = Certificates.newCa("test CA");
        var server = Certificates.newServer(ca, KubeApiServer.API_HOST);
        validate(server.certificate(), ca.certificate());
        assertEquals(List.of(List.of(2, KubeApiServer.API_HOST)), List.copyOf(server.certificate().getSubjectAlternativeNames()));
        assertEquals(-1, server.certificate().getBasicConstraints(), "not a CA");
        assertTrue(ca.certificate().getBasicConstraints() >= 0, "the CA may sign");
        assertTrue(server.certificate().getExtendedKeyUsage().contains("1.3.6.1.5.5.7.3.1"), "serverAuth");
        var other = Certificates.newCa("another CA");
        assertThrows(CertPathValidatorException.class, () -> validate(server.certificate(), other.certificate()));
    }

    @Test
    void theCaSurvivesItsPemFiles() throws Exception {
        var ca = Certificates.newCa("test CA");
        var read = Certificates.parse(ca.keyPem(), ca.certificatePem());
        assertEquals(ca.certificate(), read.certificate());
        validate(Certificates.newServer(read, KubeApiServer.API_HOST).certificate(), ca.certificate());
        assertTrue(ca.keyPem().startsWith("-----BEGIN PRIVATE KEY-----"), ca.keyPem());
    }
}

package io.swarmray.autoscaler;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.util.io.pem.PemObject;

/**
 * X.509 for the autoscaler API: a CA that SwarmRay keeps, and a server certificate for the API's name signed by it.
 * EC P-256 keys and the JDK's own providers; BouncyCastle only builds and encodes the certificates.
 */
final class Certificates {
    static final Duration CA_VALIDITY = Duration.ofDays(3650);
    static final Duration SERVER_VALIDITY = Duration.ofDays(825);

    /** A key and its certificate. */
    record Issued(PrivateKey key, X509Certificate certificate) {
        String keyPem() {
            return pem(key);
        }

        String certificatePem() {
            return pem(certificate);
        }
    }

    private Certificates() {
    }

    static Issued newCa(String commonName) {
        KeyPair pair = ecKey();
        X500Name name = new X500Name("CN=" + commonName);
        try {
            var utils = new JcaX509ExtensionUtils();
            var builder = builder(name, name, pair, CA_VALIDITY)
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                    .addExtension(Extension.subjectKeyIdentifier, false, utils.createSubjectKeyIdentifier(pair.getPublic()));
            return new Issued(pair.getPrivate(), sign(builder, pair.getPrivate()));
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot make the autoscaler API's CA: " + e.getMessage(), e);
        }
    }

    /** A server certificate for {@code dnsName}, signed by {@code ca}. */
    static Issued newServer(Issued ca, String dnsName) {
        KeyPair pair = ecKey();
        try {
            var utils = new JcaX509ExtensionUtils();
            var builder = builder(new X500Name(ca.certificate().getSubjectX500Principal().getName()), new X500Name("CN=" + dnsName), pair,
                    SERVER_VALIDITY)
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
                    .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth))
                    .addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName(GeneralName.dNSName, dnsName)))
                    .addExtension(Extension.subjectKeyIdentifier, false, utils.createSubjectKeyIdentifier(pair.getPublic()))
                    .addExtension(Extension.authorityKeyIdentifier, false, utils.createAuthorityKeyIdentifier(ca.certificate()));
            return new Issued(pair.getPrivate(), sign(builder, ca.key()));
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot make the autoscaler API's certificate: " + e.getMessage(), e);
        }
    }

    static Issued parse(String keyPem, String certificatePem) {
        try (var keys = new PEMParser(new StringReader(keyPem)); var certs = new PEMParser(new StringReader(certificatePem))) {
            var keyInfo = (PrivateKeyInfo) keys.readObject();
            PrivateKey key = KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(keyInfo.getEncoded()));
            var holder = (X509CertificateHolder) certs.readObject();
            return new Issued(key, new JcaX509CertificateConverter().getCertificate(holder));
        } catch (IOException | GeneralSecurityException | ClassCastException | NullPointerException e) {
            throw new IllegalStateException("the autoscaler API's CA files cannot be read: " + e.getMessage(), e);
        }
    }

    private static X509v3CertificateBuilder builder(X500Name issuer, X500Name subject, KeyPair pair, Duration validity) {
        Instant now = Instant.now();
        return new JcaX509v3CertificateBuilder(issuer, new BigInteger(64, new SecureRandom()).add(BigInteger.ONE),
                Date.from(now.minus(Duration.ofMinutes(5))), Date.from(now.plus(validity)), subject, pair.getPublic());
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey issuerKey) throws GeneralSecurityException {
        try {
            return new JcaX509CertificateConverter()
                    .getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKey)));
        } catch (OperatorCreationException e) {
            throw new GeneralSecurityException(e.getMessage(), e);
        }
    }

    private static KeyPair ecKey() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            // a SecureRandom per call: one kept in a static field would be seeded at native-image build time
            g.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("no EC P-256 key generator in this JVM: " + e.getMessage(), e);
        }
    }

    private static String pem(Object o) {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(out)) {
            w.writeObject(o instanceof PrivateKey k ? new PemObject("PRIVATE KEY", k.getEncoded()) : o);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }
}

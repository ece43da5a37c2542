import java.io.InputStream;
import java.io.ObjectInputStream;
import java.security.MessageDigest;
import javax.crypto.Cipher;
// ruleid: java-hostname-verification-disabled
import org.apache.http.conn.ssl.NoopHostnameVerifier;

class Crypto {
    Object run(InputStream raw, byte[] data) throws Exception {
        // ruleid: java-weak-hash
        MessageDigest md = MessageDigest.getInstance("MD5");
        // ruleid: java-weak-hash
        MessageDigest sha = MessageDigest.getInstance("SHA-1");
        // ok: java-weak-hash
        MessageDigest good = MessageDigest.getInstance("SHA-256");
        // ruleid: java-cipher-weak-mode
        Cipher a = Cipher.getInstance("AES");
        // ruleid: java-cipher-weak-mode
        Cipher b = Cipher.getInstance("AES/ECB/PKCS5Padding");
        // ruleid: java-cipher-weak-mode
        Cipher c = Cipher.getInstance("DESede/CBC/PKCS5Padding");
        // ok: java-cipher-weak-mode
        Cipher d = Cipher.getInstance("AES/GCM/NoPadding");
        ObjectInputStream in;
        in = new ObjectInputStream(raw);
        // ruleid: java-object-deserialization
        Object o = in.readObject();
        // ok: java-object-deserialization
        Object p = other.readObject();
        return o;
    }

    String more(byte[] data, String user) throws Exception {
        // ruleid: java-weak-hash-library
        String a = DigestUtils.md5Hex(data);
        // ruleid: java-weak-hash-library
        HashCode h = Hashing.sha1().hashBytes(data);
        // ok: java-weak-hash-library
        String b = DigestUtils.sha256Hex(data);
        // ruleid: java-weak-hash-library
        String c = MD5Util.md5(user + data);
        // ruleid: java-cipher-weak-mode
        KeyGenerator kg = KeyGenerator.getInstance("DES");
        // ok: java-cipher-weak-mode
        KeyGenerator kg2 = KeyGenerator.getInstance("AES");
        // ruleid: java-cipher-unauthenticated-mode
        Cipher cbc = Cipher.getInstance("AES/CBC/PKCS5Padding");
        // ok: java-cipher-unauthenticated-mode
        Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
        // ruleid: java-static-iv
        IvParameterSpec iv = new IvParameterSpec(new byte[16]);
        // ruleid: java-static-iv
        IvParameterSpec iv2 = new IvParameterSpec("0123456789abcdef".getBytes());
        // ok: java-static-iv
        IvParameterSpec iv3 = new IvParameterSpec(freshIv);
        // ruleid: java-hardcoded-crypto-key
        SecretKeySpec key = new SecretKeySpec("s3cr3t-k3y-16byt".getBytes(StandardCharsets.UTF_8), "AES");
        // ok: java-hardcoded-crypto-key
        SecretKeySpec key2 = new SecretKeySpec(loadKey(), "AES");
        KeyPairGenerator gen = KeyPairGenerator.getInstance("RSA");
        // ruleid: java-rsa-key-too-small
        gen.initialize(1024);
        // ok: java-rsa-key-too-small
        gen.initialize(3072);
        return a + b;
    }

    String randoms(User user) {
        // ruleid: java-insecure-random-secret, java-insecure-random
        String token = Long.toHexString(new Random().nextLong());
        // ruleid: java-insecure-random-secret, java-insecure-random
        String password = RandomStringUtils.randomAlphanumeric(12);
        // ruleid: java-insecure-random
        double jitter = Math.random() * 100;
        // ruleid: java-insecure-random
        int pick = random.nextInt(10);
        // ruleid: java-insecure-random
        float f = mRandom.nextFloat();
        // ok: java-insecure-random-secret, java-insecure-random
        String safe = Long.toHexString(secureRandom.nextLong());
        return token + password + jitter + pick + safe + f;
    }

    String tokens(String token) {
        // ruleid: java-jwt-unverified
        DecodedJWT jwt = JWT.decode(token);
        // ok: java-jwt-unverified
        DecodedJWT ok = JWT.require(Algorithm.HMAC256(secret)).build().verify(token);
        return jwt.getSubject() + ok.getSubject();
    }
}

class TrustAll implements X509TrustManager, HostnameVerifier {
    // ruleid: java-trust-all-certificates
    public void checkServerTrusted(X509Certificate[] chain, String authType) {}

    // ok: java-trust-all-certificates
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket s) throws CertificateException {
        delegate.checkServerTrusted(chain, authType);
    }

    // ruleid: java-hostname-verification-disabled
    public boolean verify(String hostname, SSLSession session) {
        return true;
    }

    void install(HttpsURLConnection conn) {
        // ruleid: java-hostname-verification-disabled
        conn.setHostnameVerifier((h, s) -> true);
        // ok: java-hostname-verification-disabled
        conn.setHostnameVerifier(strictVerifier);
    }
}

import java.io.InputStream;
import java.io.ObjectInputStream;
import java.security.MessageDigest;
import javax.crypto.Cipher;

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
}

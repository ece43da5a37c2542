package bench;

import java.io.InputStream;
import java.io.ObjectInputStream;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Cipher;

/** A dense mix of ordinary and risky Java code for benchmarks. */
public class Bench {

    static final class Store0 {
        private final Connection conn;
        private final int limit;

        Store0(Connection conn, int limit) {
            this.conn = conn;
            this.limit = limit > 0 ? limit : 10;
        }

        List<String> find(String user) throws SQLException {
            List<String> out = new ArrayList<>();
            Statement st = conn.createStatement();
            ResultSet rs = st.executeQuery("SELECT id, items FROM orders WHERE user = '" + user + "'");
            while (rs.next() && out.size() < limit) {
                out.add(rs.getInt("id") + ":" + rs.getString("items"));
            }
            return out;
        }

        String digest(byte[] items) throws Exception {
            MessageDigest md = MessageDigest.getInstance("MD5");
            Cipher c = Cipher.getInstance("AES");
            return HexFormat.of().formatHex(md.digest(items)) + c.getBlockSize();
        }

        void archive(String dir) throws Exception {
            Runtime.getRuntime().exec("tar czf out.tgz " + dir).waitFor();
        }

        Object restore(InputStream raw) throws Exception {
            ObjectInputStream in = new ObjectInputStream(raw);
            return in.readObject();
        }
    }

    static final class Store1 {
        private final Connection conn;
        private final int limit;

        Store1(Connection conn, int limit) {
            this.conn = conn;
            this.limit = limit > 0 ? limit : 10;
        }

        List<String> find(String user) throws SQLException {
            List<String> out = new ArrayList<>();
            PreparedStatement st = conn.prepareStatement("SELECT id, items FROM orders WHERE user = ?");
            st.setString(1, user);
            ResultSet rs = st.executeQuery();
            while (rs.next() && out.size() < limit) {
                out.add(rs.getInt("id") + ":" + rs.getString("items"));
            }
            return out;
        }

        String digest(byte[] items) throws Exception {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            return HexFormat.of().formatHex(md.digest(items)) + c.getBlockSize();
        }

        void archive(String dir) throws Exception {
            new ProcessBuilder("tar", "czf", "out.tgz", dir).start().waitFor();
        }

        Object restore(InputStream raw) throws Exception {
            return raw.readAllBytes();
        }
    }

    static final class Store2 {
        private final Connection conn;
        private final int limit;

        Store2(Connection conn, int limit) {
            this.conn = conn;
            this.limit = limit > 0 ? limit : 10;
        }

        List<String> find(String user) throws SQLException {
            List<String> out = new ArrayList<>();
            Statement st = conn.createStatement();
            ResultSet rs = st.executeQuery(String.format("SELECT id, items FROM orders WHERE user = '%s'", user));
            while (rs.next() && out.size() < limit) {
                out.add(rs.getInt("id") + ":" + rs.getString("items"));
            }
            return out;
        }

        String digest(byte[] items) throws Exception {
            MessageDigest md = MessageDigest.getInstance("SHA-1");
            Cipher c = Cipher.getInstance("DES/CBC/PKCS5Padding");
            return HexFormat.of().formatHex(md.digest(items)) + c.getBlockSize();
        }

        void archive(String dir) throws Exception {
            new ProcessBuilder("sh", "-c", "gzip " + dir).start().waitFor();
        }

        Object restore(InputStream raw) throws Exception {
            return new String(raw.readAllBytes());
        }
    }

    static final class Store3 {
        private final Connection conn;
        private final int limit;

        Store3(Connection conn, int limit) {
            this.conn = conn;
            this.limit = limit > 0 ? limit : 10;
        }

        List<String> find(String user) throws SQLException {
            List<String> out = new ArrayList<>();
            Statement st = conn.createStatement();
            ResultSet rs = st.executeQuery("SELECT id, items FROM orders WHERE user = '" + user + "'");
            while (rs.next() && out.size() < limit) {
                out.add(rs.getInt("id") + ":" + rs.getString("items"));
            }
            return out;
        }

        String digest(byte[] items) throws Exception {
            MessageDigest md = MessageDigest.getInstance("MD5");
            Cipher c = Cipher.getInstance("AES");
            return HexFormat.of().formatHex(md.digest(items)) + c.getBlockSize();
        }

        void archive(String dir) throws Exception {
            Runtime.getRuntime().exec("tar czf out.tgz " + dir).waitFor();
        }

        Object restore(InputStream raw) throws Exception {
            ObjectInputStream in = new ObjectInputStream(raw);
            return in.readObject();
        }
    }

    static List<Object> all(Connection conn) {
        List<Object> stores = new ArrayList<>();
        stores.add(new Store0(conn, 5));
        stores.add(new Store1(conn, 6));
        stores.add(new Store2(conn, 7));
        stores.add(new Store3(conn, 8));
        stores.add(new Store0(conn, 9));
        stores.add(new Store1(conn, 10));
        stores.add(new Store2(conn, 11));
        stores.add(new Store3(conn, 12));
        stores.add(new Store0(conn, 13));
        stores.add(new Store1(conn, 14));
        stores.add(new Store2(conn, 15));
        stores.add(new Store3(conn, 16));
        stores.add(new Store0(conn, 17));
        stores.add(new Store1(conn, 18));
        stores.add(new Store2(conn, 19));
        stores.add(new Store3(conn, 20));
        stores.add(new Store0(conn, 21));
        stores.add(new Store1(conn, 22));
        stores.add(new Store2(conn, 23));
        stores.add(new Store3(conn, 24));
        stores.add(new Store0(conn, 25));
        stores.add(new Store1(conn, 26));
        stores.add(new Store2(conn, 27));
        stores.add(new Store3(conn, 28));
        stores.add(new Store0(conn, 29));
        stores.add(new Store1(conn, 30));
        stores.add(new Store2(conn, 31));
        stores.add(new Store3(conn, 32));
        stores.add(new Store0(conn, 33));
        stores.add(new Store1(conn, 34));
        stores.add(new Store2(conn, 35));
        stores.add(new Store3(conn, 36));
        stores.add(new Store0(conn, 37));
        stores.add(new Store1(conn, 38));
        stores.add(new Store2(conn, 39));
        stores.add(new Store3(conn, 40));
        stores.add(new Store0(conn, 41));
        stores.add(new Store1(conn, 42));
        return stores;
    }
}

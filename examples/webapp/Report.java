import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;

public class Report {
    public ResultSet byOwner(Connection conn, String owner) throws Exception {
        Statement st = conn.createStatement();
        return st.executeQuery("SELECT * FROM reports WHERE owner = '" + owner + "'");
    }

    public Process archive(String dir) throws Exception {
        return Runtime.getRuntime().exec("tar czf backup.tgz " + dir);
    }

    public byte[] checksum(byte[] data) throws Exception {
        return MessageDigest.getInstance("MD5").digest(data);
    }
}

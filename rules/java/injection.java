import java.io.IOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

public class Injection {
    void commands(String dir) throws IOException {
        // ruleid: java-runtime-exec-built
        Runtime.getRuntime().exec("ls " + dir);
        // ruleid: java-runtime-exec-built
        Runtime.getRuntime().exec(
            String.format("tar xf %s", dir));
        // ok: java-runtime-exec-built
        Runtime.getRuntime().exec(new String[] {"ls", dir});
        // ruleid: java-runtime-exec-built
        new ProcessBuilder("sh", "-c", "grep " + dir).start();
        // ok: java-runtime-exec-built
        new ProcessBuilder("sh", "-c", "uptime").start();
        // Runtime.getRuntime().exec("ls " + dir) in a comment is not code
        String s = "Runtime.getRuntime().exec(\"ls \" + dir)";
    }

    ResultSet query(Connection conn, String name) throws SQLException {
        Statement stmt = conn.createStatement();
        // ruleid: java-sql-string-built
        stmt.executeUpdate("DELETE FROM users WHERE name = '" + name + "'");
        // ruleid: java-sql-string-built
        conn.prepareStatement(String.format("SELECT * FROM t WHERE a = '%s'", name));
        // ok: java-sql-string-built
        conn.prepareStatement("SELECT * FROM users WHERE name = ?");
        // ok: java-sql-string-built
        stmt.executeQuery("SELECT * FROM users " + "ORDER BY name");
        // ruleid: java-sql-string-built
        return stmt.executeQuery("SELECT * FROM users WHERE name = '" + name + "'");
    }
}

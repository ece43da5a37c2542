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

    void moreCommands(String cmd, String[] argv) throws IOException {
        Runtime runtime = Runtime.getRuntime();
        // ruleid: java-runtime-exec-dynamic
        Process p = Runtime.getRuntime().exec(cmd);
        // ruleid: java-runtime-exec-dynamic
        runtime.exec(cmd, null, null);
        // ok: java-runtime-exec-dynamic
        Runtime.getRuntime().exec("pm list packages");
        // ok: java-runtime-exec-dynamic
        Runtime.getRuntime().exec(new String[] {"ls", cmd});
        // ok: java-runtime-exec-dynamic
        executor.exec(cmd);
    }

    ResultSet built(Connection conn, String name, int id) throws SQLException {
        Statement stmt = conn.createStatement();
        String sql = "SELECT * FROM users WHERE name = '" + name + "'";
        stmt.close();
        // ruleid: java-sql-query-built-in-variable
        ResultSet rs = stmt.executeQuery(sql);
        String q = String.format("DELETE FROM t WHERE id = %d", id);
        if (id > 0) {
            // ruleid: java-sql-query-built-in-variable
            stmt.executeUpdate(q);
        }
        String ok = "SELECT * FROM users WHERE name = ?";
        // ok: java-sql-query-built-in-variable
        conn.prepareStatement(ok);
        String label = "user " + name;
        // ok: java-sql-query-built-in-variable
        stmt.execute(label);
        return rs;
    }

    Object spring(String name) {
        // ruleid: java-jdbctemplate-sql-built
        List<User> users = jdbcTemplate.query("SELECT * FROM users WHERE name = '" + name + "'", mapper);
        // ruleid: java-jdbctemplate-sql-built
        this.jdbcTemplate.update(String.format("DELETE FROM users WHERE name = '%s'", name));
        // ok: java-jdbctemplate-sql-built
        jdbcTemplate.query("SELECT * FROM users WHERE name = ?", mapper, name);
        // ok: java-jdbctemplate-sql-built
        cache.update("key" + name);
        return users;
    }

    Object scripts(String expr) throws Exception {
        ScriptEngine engine = new ScriptEngineManager().getEngineByName("javascript");
        // ruleid: java-script-engine-eval
        Object r = engine.eval(expr);
        // ok: java-script-engine-eval
        engine.eval("1 + 1");
        ExpressionParser parser = new SpelExpressionParser();
        // ruleid: java-spel-expression-injection
        Expression e = parser.parseExpression(expr);
        // ok: java-spel-expression-injection
        Expression f = parser.parseExpression("name.toUpperCase()");
        return r;
    }

    void directory(DirContext ctx, String user, XPath xpath, Document doc) throws Exception {
        // ruleid: java-ldap-filter-built
        ctx.search("ou=people,dc=example,dc=com", "(uid=" + user + ")", controls);
        // ok: java-ldap-filter-built
        ctx.search("ou=people,dc=example,dc=com", "(uid={0})", new Object[] {user}, controls);
        // ruleid: java-xpath-built
        xpath.evaluate("//user[@name='" + user + "']", doc);
        // ruleid: java-xpath-built
        XPathExpression expr = xpath.compile(String.format("//user[@id='%s']", user));
        // ok: java-xpath-built
        xpath.compile("//user[@name=$name]");
    }
}

import java.io.File;
import java.io.FileInputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

class Files1 {
    byte[] download(HttpServletRequest req) throws IOException {
        // ruleid: java-path-traversal-request
        File f = new File("/srv/files", req.getParameter("name"));
        // ruleid: java-path-traversal-request
        Path p = Paths.get("/srv/files/" + req.getParameter("name"));
        // ok: java-path-traversal-request
        Path q = Paths.get("/srv/files", "index.html");
        return Files.readAllBytes(p);
    }

    void unzip(ZipInputStream zis, File target) throws IOException {
        ZipEntry entry;
        while ((entry = zis.getNextEntry()) != null) {
            // ruleid: java-zip-slip
            File out = new File(target, entry.getName());
            Files.copy(zis, out.toPath());
        }
    }

    void safeUnzip(ZipInputStream zis, Path target) throws IOException {
        ZipEntry entry = zis.getNextEntry();
        // ok: java-zip-slip
        Path out = target.resolve(entry.getName()).normalize();
        if (!out.startsWith(target)) {
            throw new IOException("bad entry");
        }
    }

    Object fetch(HttpServletRequest req, String base) throws Exception {
        // ruleid: java-ssrf-request-url
        URL u = new URL(req.getParameter("url"));
        // ruleid: java-ssrf-request-url
        String body = restTemplate.getForObject(req.getParameter("callback"), String.class);
        // ruleid: java-url-open-dynamic
        Object conn = new URL(base + "/status").openConnection();
        // ruleid: java-url-open-dynamic
        Object conn2 = (new URL(base + location)).openConnection();
        // ok: java-url-open-dynamic
        Object fixed = new URL("https://example.com/").openStream();
        // ruleid: java-url-open-dynamic
        InetSocketAddress addr = new InetSocketAddress(host, port);
        // ok: java-url-open-dynamic
        InetSocketAddress local = new InetSocketAddress("127.0.0.1", port);
        return u;
    }

    void perms(File f, Path p) throws IOException {
        // ruleid: java-temp-file-default-permissions
        File tmp = File.createTempFile("upload", ".bin");
        // ok: java-temp-file-default-permissions
        Path tmp2 = Files.createTempFile("upload", ".bin");
        // ruleid: java-world-accessible-permissions
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxrwxrwx"));
        // ok: java-world-accessible-permissions
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-------"));
        // ruleid: java-world-accessible-permissions
        f.setWritable(true, false);
        // ok: java-world-accessible-permissions
        f.setWritable(true, true);
    }

    void webview(WebView view, Context ctx) {
        WebSettings settings = view.getSettings();
        // ruleid: java-android-webview-file-access
        settings.setAllowFileAccess(true);
        // ok: java-android-webview-file-access
        settings.setAllowFileAccess(false);
        // ruleid: java-debug-enabled
        WebView.setWebContentsDebuggingEnabled(true);
        if (BuildConfig.DEBUG) {
            // ok: java-debug-enabled
            WebView.setWebContentsDebuggingEnabled(true);
        }
        // ruleid: java-world-accessible-permissions
        SharedPreferences prefs = ctx.getSharedPreferences("cfg", Context.MODE_WORLD_READABLE);
    }
}

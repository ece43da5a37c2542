import java.io.IOException;
import java.io.PrintWriter;
import javax.servlet.http.Cookie;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

class Web {
    void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        // ruleid: java-xss-servlet-writer
        resp.getWriter().println("<h1>Hello " + req.getParameter("name") + "</h1>");
        PrintWriter out = resp.getWriter();
        // ruleid: java-xss-servlet-writer
        out.print(req.getParameter("q"));
        // ok: java-xss-servlet-writer
        out.print(Encode.forHtml(req.getParameter("q")));
        // ok: java-xss-servlet-writer
        out.println(formatter.getHeader());
        String msg = "x";
        // ruleid: java-xss-response-concatenation
        resp.getWriter().write(msg + ": " + req.getAttribute("v"));
        // ok: java-xss-response-concatenation
        resp.getWriter().write("<p>" + "static" + "</p>");
        // ruleid: java-open-redirect
        resp.sendRedirect(req.getParameter("next"));
        // ok: java-open-redirect
        resp.sendRedirect("/home");
        try {
            work();
        } catch (Exception e) {
            // ruleid: java-stacktrace-to-response
            e.printStackTrace(resp.getWriter());
            // ok: java-stacktrace-to-response
            e.printStackTrace();
        }
    }

    void cookies(HttpServletResponse resp, String sid) {
        // ruleid: java-cookie-insecure
        Cookie c = new Cookie("session", sid);
        resp.addCookie(c);
        // ok: java-cookie-insecure
        Cookie good = new Cookie("session", sid);
        good.setSecure(true);
        good.setHttpOnly(true);
        resp.addCookie(good);
        Cookie bad = new Cookie("prefs", sid);
        bad.setSecure(true);
        // ruleid: java-cookie-flag-disabled
        bad.setHttpOnly(false);
    }

    String login(String next) {
        // ruleid: java-open-redirect
        return "redirect:" + next;
    }

    void headers(HttpServletResponse resp, CorsRegistry registry) {
        // ruleid: java-cors-allow-all
        resp.setHeader("Access-Control-Allow-Origin", "*");
        // ok: java-cors-allow-all
        resp.setHeader("Access-Control-Allow-Origin", "https://app.example.com");
        // ruleid: java-cors-allow-all
        registry.addMapping("/**").allowedOrigins("*");
    }

    void security(HttpSecurity http) throws Exception {
        // ruleid: java-spring-csrf-disabled
        http.csrf().disable();
        // ruleid: java-spring-csrf-disabled
        http.csrf(csrf -> csrf.disable());
        // ok: java-spring-csrf-disabled
        http.csrf(Customizer.withDefaults());
    }

    void bind(HttpServletRequest req, User user) throws Exception {
        // ruleid: java-mass-assignment
        BeanUtils.populate(user, req.getParameterMap());
        // ok: java-mass-assignment
        user.setName(req.getParameter("name"));
    }
}

// ruleid: java-cors-allow-all
@CrossOrigin(origins = "*")
class Api {
}

// ok: java-cors-allow-all
@CrossOrigin(origins = "https://app.example.com")
class Api2 {
}

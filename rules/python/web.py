import jinja2
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect as dj_redirect
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.views.decorators.csrf import csrf_exempt
from fastapi.middleware.cors import CORSMiddleware
from flask import Flask, Markup, make_response, redirect, render_template_string, request, url_for
from flask_cors import CORS

app = Flask(__name__)
# ruleid: python-cors-allow-all
CORS(app)
# ruleid: python-cors-allow-all
api.add_middleware(CORSMiddleware, allow_origins=["*"], allow_credentials=True)
# ok: python-cors-allow-all
api.add_middleware(CORSMiddleware, allow_origins=["https://app.example.com"])
# ruleid: python-cors-allow-all
CORS_ALLOW_ALL_ORIGINS = True

# ruleid: python-django-debug-true
DEBUG = True
# ruleid: python-django-cookie-settings-insecure
SESSION_COOKIE_SECURE = False
# ok: python-django-cookie-settings-insecure
CSRF_COOKIE_SECURE = True

# ruleid: python-jinja2-autoescape-disabled
env = jinja2.Environment(loader=jinja2.FileSystemLoader("t"), autoescape=False)
# ruleid: python-jinja2-autoescape-missing
env2 = jinja2.Environment(loader=jinja2.FileSystemLoader("t"))
# ok: python-jinja2-autoescape-missing, python-jinja2-autoescape-disabled
env3 = jinja2.Environment(autoescape=jinja2.select_autoescape())


@app.route("/hello")
def hello():
    name = request.args.get("name", "")
    # ruleid: python-flask-render-template-string
    page = render_template_string("<h1>Hello " + name + "</h1>")
    # ok: python-flask-render-template-string
    page2 = render_template_string("<h1>Hello {{ name }}</h1>", name=name)
    tpl = "<p>" + name + "</p>"
    # ruleid: python-flask-render-template-string
    page3 = render_template_string(tpl)
    # ok: python-flask-render-template-string
    page4 = jinja_env.from_string(source)
    # ruleid: python-html-response-from-request
    return f"<p>Results for {request.args.get('q')}</p>" + page + page2 + page3 + page4


@app.route("/safe")
def safe():
    # ok: python-html-response-from-request
    return f"<p>Results for {escape(request.args.get('q'))}</p>"


@app.route("/go")
def go():
    # ruleid: python-open-redirect
    return redirect(request.args.get("next"))


@app.route("/go2")
def go2():
    target = request.args["url"]
    if target:
        # ruleid: python-open-redirect
        return redirect(target)
    # ok: python-open-redirect
    return redirect(url_for("index", page=request.args.get("page")))


@app.route("/login")
def login():
    resp = make_response("ok")
    # ruleid: python-cookie-insecure
    resp.set_cookie("session", "abc")
    # ruleid: python-cookie-insecure
    resp.set_cookie("session", "abc", secure=False, httponly=True)
    # ok: python-cookie-insecure
    resp.set_cookie("session", "abc", secure=True, httponly=True, samesite="Lax")
    # ok: python-cookie-insecure
    jar.set_cookie(cookie)
    return resp


@app.route("/user", methods=["POST"])
def create_user():
    # ruleid: python-mass-assignment
    user = User(**request.get_json())
    for key, value in request.json.items():
        # ruleid: python-mass-assignment
        setattr(user, key, value)
    data = request.get_json()
    # ok: python-mass-assignment
    other = User(name=data["name"], email=data["email"])
    return user, other


def comment(request, text):
    # ruleid: python-mark-safe-dynamic
    html = mark_safe("<b>%s</b>" % text)
    # ruleid: python-mark-safe-dynamic
    snippet = Markup(f"<i>{text}</i>")
    # ok: python-mark-safe-dynamic
    passthrough = Markup(text)
    # ok: python-mark-safe-dynamic
    fixed = mark_safe("<br>")
    # ok: python-mark-safe-dynamic
    good = mark_safe(format_html("<b>{}</b>", text))
    # ruleid: python-open-redirect
    back = HttpResponseRedirect(request.GET.get("next", "/"))
    return html, snippet, passthrough, fixed, good, back, HttpResponse, dj_redirect


# ruleid: python-django-csrf-exempt
@csrf_exempt
def webhook(request):
    return HttpResponse("ok")


class UserForm:
    class Meta:
        # ruleid: python-mass-assignment
        fields = "__all__"


if __name__ == "__main__":
    # ruleid: python-flask-debug-enabled
    app.run(host="0.0.0.0", debug=True)
    # ok: python-flask-debug-enabled
    app.run(debug=False)
    # ok: python-flask-debug-enabled
    asyncio.run(main(), debug=True)

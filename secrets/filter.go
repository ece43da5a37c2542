package secrets

import (
	"github.com/airlockhq/airlock/internal/lazyre"
	"strings"
	"unicode"
)

// placeholderWords mark values that stand for a secret instead of being
// one. Matched case-insensitively as substrings.
var placeholderWords = []string{
	"xxx", "***", "...", "…", "example", "dummy", "changeme", "change_me", "change-me",
	"placeholder", "your_", "your-", "yourpass", "yoursecret", "yourtoken", "yourkey",
	"<", ">", "${", "{{", "$(", "#{", "%s", "%(", "%v", "%d", "{0}", "{}",
	"redacted", "fake", "sample", "insert", "replace", "lorem", "foobar",
	"notreal", "not_real", "not-real", "not_a_", "do_not_", "secret_here", "key_here", "token_here",
	"password_here", "enter_", "test_key", "testkey", "testtoken", "test_token", "testpass",
}

// isPlaceholder reports whether a value stands for a secret rather than
// being one: a placeholder word, a variable reference ($VAR, %VAR%,
// env:NAME) or a single repeated character.
func isPlaceholder(v string) bool {
	l := strings.ToLower(v)
	for _, w := range placeholderWords {
		if strings.Contains(l, w) {
			return true
		}
	}
	if strings.HasPrefix(l, "$") || strings.HasPrefix(l, "%") || strings.HasPrefix(l, "env:") ||
		strings.HasPrefix(l, "env.") || strings.HasPrefix(l, "process.env") || strings.HasPrefix(l, "os.environ") ||
		strings.HasPrefix(l, "secrets.") || strings.HasPrefix(l, "arn:") || strings.HasPrefix(l, "vault:") || strings.HasPrefix(l, "!") {
		return true
	}
	if strings.Contains(l, "{") && strings.Contains(l, "}") {
		return true // a template: f"{pw}", {{ .Values.pw }}
	}
	return l == "" || strings.Count(l, l[:1]) == len(l)
}

// Value shapes that are names or references, not secrets.
var (
	reDottedName = lazyre.New(`^[A-Za-z_$][A-Za-z0-9_$]*(?:(?:\.|::|->)[A-Za-z_$][A-Za-z0-9_$]*)+(?:\(\))?$`)
	reWords      = lazyre.New(`^[A-Za-z]{2,}(?:[_.:/-][A-Za-z]{2,})*$`)
	reEnvName    = lazyre.New(`^[A-Z][A-Z0-9_]*$`)
	reCamel      = lazyre.New(`^[a-z]+(?:[A-Z][a-z]+)+[0-9]*$|^(?:[A-Z][a-z]+)+[0-9]*$`)
	reCall       = lazyre.New(`^[A-Za-z_][\w.]*\(`)
	reUUID       = lazyre.New(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)
)

// secretWords are the name segments that say a variable holds a secret;
// the bool says whether it is a password (short, human-chosen values).
var secretWords = map[string]bool{
	"password": true, "passwd": true, "passphrase": true, "pwd": true, "pass": true, "pw": true,
	"cred": false, "creds": false, "bearer": false,
	"secret": false, "secrets": false, "token": false, "credential": false, "credentials": false,
	"apikey": false, "accesskey": false, "privatekey": false, "authkey": false, "authtoken": false,
	"secretkey": false, "accesstoken": false, "refreshtoken": false, "clientsecret": false,
}

// keyQualifiers make a following "key" segment a secret (api_key,
// private_key, …).
var keyQualifiers = map[string]bool{"api": true, "access": true, "private": true, "auth": true, "secret": true, "signing": true, "encryption": true, "master": true}

// notSecretSegments mark names that hold something about a secret (its
// length, field name, prompt text, URL) rather than the secret itself.
var notSecretSegments = map[string]bool{
	"url": true, "uri": true, "path": true, "file": true, "filename": true, "dir": true, "name": true,
	"type": true, "field": true, "prompt": true, "label": true, "len": true, "length": true,
	"count": true, "size": true, "min": true, "max": true, "policy": true, "pattern": true,
	"regex": true, "re": true, "format": true, "fmt": true, "header": true, "placeholder": true,
	"hint": true, "message": true, "msg": true, "error": true, "err": true, "hash": true,
	"hashed": true, "input": true, "column": true, "col": true, "param": true, "prefix": true,
	"suffix": true, "endpoint": true, "mode": true, "style": true, "class": true, "id": true,
	"expire": true, "expires": true, "expiry": true, "expiration": true, "timeout": true,
	"ttl": true, "reset": true, "rule": true, "rules": true, "validator": true, "required": true,
	"enabled": true, "enable": true, "storage": true, "cache": true, "help": true,
	"description": true, "desc": true, "text": true, "title": true, "env": true, "var": true,
	"public": true, "pub": true, "display": true, "show": true, "version": true, "algorithm": true,
	"alg": true, "kind": true, "scope": true, "scopes": true, "location": true, "store": true,
	"dialog": true, "button": true, "form": true, "view": true, "widget": true, "icon": true,
	"char": true, "chars": true, "generator": true, "manager": true, "provider": true,
	"service": true, "handler": true, "factory": true, "key_id": true, "keyid": true,
	"source": true, "method": true, "endpoint_url": true, "lifetime": true, "age": true,
	"command": true, "cmd": true, "option": true, "options": true, "flag": true, "arg": true,
	"usage": true, "doc": true, "docs": true, "link": true, "status": true, "state": true,
	"reader": true, "writer": true, "parser": true, "lexer": true, "kinds": true, "types": true,
	"index": true, "idx": true, "offset": true, "pos": true, "start": true, "end": true,
	"mgr": true, "change": true, "next": true, "page": true, "continuation": true, "request": true,
	"idempotency": true, "sync": true, "cursor": true, "marker": true, "csrf": true, "xsrf": true,
	"verification": true, "update": true, "pagination": true, "sep": true, "separator": true, "delim": true, "quote": true, "char_set": true, "charset": true,
}

// nameSegments splits an identifier at _ . - and camelCase boundaries,
// lower-cased.
func nameSegments(name string) []string {
	var segs []string
	var cur []rune
	flush := func() {
		if len(cur) > 0 {
			segs = append(segs, strings.ToLower(string(cur)))
			cur = cur[:0]
		}
	}
	rs := []rune(name)
	for i, r := range rs {
		switch {
		case r == '_' || r == '.' || r == '-' || r == '$':
			flush()
		case unicode.IsUpper(r) && i > 0 && (unicode.IsLower(rs[i-1]) ||
			i+1 < len(rs) && unicode.IsLower(rs[i+1]) && unicode.IsUpper(rs[i-1])):
			flush()
			cur = append(cur, r)
		default:
			cur = append(cur, r)
		}
	}
	flush()
	return segs
}

// secretName reports whether the identifier names a secret and whether
// that secret is a password.
func secretName(name string) (ok, password bool) {
	segs := nameSegments(name)
	for i, s := range segs {
		if notSecretSegments[s] {
			return false, false
		}
		if pw, found := secretWords[s]; found {
			ok, password = true, password || pw
			continue
		}
		if s == "key" && i > 0 && keyQualifiers[segs[i-1]] {
			ok = true
			continue
		}
		// Compound words: dbpassword, mytoken, adminpwd.
		for w, pw := range secretWords {
			if len(w) >= 5 && strings.HasSuffix(s, w) {
				ok, password = true, password || pw
			}
		}
	}
	return ok, password
}

// reAuthScheme is an HTTP authorization scheme in front of a token.
var reAuthScheme = lazyre.New(`^(?i:bearer|basic|token|digest)[: ]+`)

// acceptGeneric decides whether name = value is a hard-coded secret.
func acceptGeneric(name, value string) bool {
	ok, password := secretName(name)
	if !ok {
		return false
	}
	// "Bearer: <token>" is judged by the token.
	value = reAuthScheme.ReplaceAllString(value, "")
	if password && humanPassword(name, value) {
		return true
	}
	if strings.ContainsAny(value, " \t") || strings.Contains(value, "://") ||
		strings.HasPrefix(value, "/") || strings.HasPrefix(value, "./") || strings.HasPrefix(value, "~/") ||
		reDottedName.MatchString(value) || reWords.MatchString(value) || reEnvName.MatchString(value) ||
		reCamel.MatchString(value) || reCall.MatchString(value) || reUUID.MatchString(value) {
		return false
	}
	h := shannon(value)
	if password {
		return len(value) >= 6 && h >= 2.5 && hasLetter(value) && mixedClasses(value, 2)
	}
	return len(value) >= 10 && h >= 3.3 && mixedClasses(value, 2)
}

// urlPlaceholders are passwords in URLs that are documentation, not
// credentials.
var urlPlaceholders = map[string]bool{
	"password": true, "pass": true, "passwd": true, "pwd": true, "secret": true, "pw": true,
	"user": true, "username": true, "token": true, "changeme": true, "admin": true, "root": true,
	"postgres": true, "mysql": true, "guest": true, "test": true, "demo": true, "default": true,
	"p@ssw0rd": true, "p4ssw0rd": true, "passw0rd": true, "foo": true, "bar": true, "baz": true,
	"mypassword": true, "yourpassword": true, "secretpassword": true, "apikey": true,
}

// acceptURLPassword filters user:password@ pairs in URLs.
func acceptURLPassword(user, pass string) bool {
	l := strings.ToLower(pass)
	if len(user) > 64 || len(pass) > 128 || urlPlaceholders[l] || strings.EqualFold(user, pass) || isPlaceholder(pass) {
		return false
	}
	// A port-like "password" is host:port@… text, not a credential.
	if strings.Trim(pass, "0123456789") == "" {
		return false
	}
	return !strings.HasPrefix(pass, ":")
}

// rePlainWord is a single word of letters: how people choose passwords
// ("sysadmin", "Megadeth").
var rePlainWord = lazyre.New(`^[A-Za-z]{6,32}$`)

// notPasswords are words a password-named variable holds that are states
// or field names, not passwords.
var notPasswords = map[string]bool{
	"required": true, "optional": true, "invalid": true, "missing": true, "hidden": true,
	"disabled": true, "enabled": true, "readonly": true, "unset": true, "default": true,
	"string": true, "number": true, "boolean": true, "object": true, "unknown": true,
	"prompt": true, "masked": true, "plaintext": true, "encrypted": true, "hashed": true,
	"expired": true, "changed": true, "forgot": true, "forgotten": true, "confirm": true,
	"current": true, "newpass": true, "oldpass": true, "strong": true, "medium": true,
	"weak": true, "visible": true, "toggle": true, "credentials": true, "anonymous": true,
}

// humanPassword accepts a plain word assigned to a variable that is a
// password itself (its last word is password, passwd, pwd or pw), so
// password = "sysadmin" is reported while password_label = "Password"
// or password = "password" are not.
func humanPassword(name, value string) bool {
	segs := nameSegments(name)
	if len(segs) == 0 || !rePlainWord.MatchString(value) {
		return false
	}
	switch segs[len(segs)-1] {
	case "password", "passwd", "pwd", "pw", "passphrase":
	default:
		return false
	}
	l := strings.ToLower(value)
	if notPasswords[l] || urlPlaceholders[l] {
		return false
	}
	for w := range secretWords {
		if strings.Contains(l, w) {
			return false
		}
	}
	return true
}

func hasLetter(s string) bool {
	for _, r := range s {
		if unicode.IsLetter(r) {
			return true
		}
	}
	return false
}

package secrets

import (
	"github.com/airlockhq/airlock"
	"strings"
	"testing"
)

// The keys below are random strings with the right shape, generated for
// these tests; none was ever issued by a provider.

type example struct {
	path string // default "app/settings.py"
	src  string
}

func ex(src string) example         { return example{src: src} }
func exAt(path, src string) example { return example{path: path, src: src} }
func (e example) file() string {
	if e.path == "" {
		return "app/settings.py"
	}
	return e.path
}

const pemBody = "X3vMnnzIKeTxYZKs65YkPGxse795Xt+JDSXU2NuWHMZ8xReqp/Vywv+mBB8SvJ3H\n" +
	"cVVD17eQPkuTTjVLSo6GR9xSH5FPwIVEuAd7X9bYCUG1/PG8YlGlQjYf/jI9X3xw\n" +
	"6oNXPwhsjC8sn84+vf1JPKAfQCdv0gZIaNJY4jFkVug3NQqUMikxMMHhilNGAJcQ\n"

// examples: for every rule, inputs it must match and inputs it must not
// (gitleaks-style). TestRuleExamples fails on a rule without both.
var examples = map[string]struct{ match, noMatch []example }{
	"aws-access-key": {
		match: []example{
			ex(`AWS_ACCESS_KEY_ID = "AKIAUJZDEGXDNCF32EPF"`),
			exAt("deploy.sh", `export AWS_ACCESS_KEY_ID=ASIAUJZDEGXDNCF32EPF`),
		},
		noMatch: []example{
			ex(`key = "AKIAIOSFODNN7EXAMPLE"`),          // AWS's documented example
			ex(`key = "AKIAUJZDEGXDNCF32EP"`),           // too short
			ex(`id = "XAKIAUJZDEGXDNCF32EPF"`),          // not at a word boundary
			ex(`key = os.environ["AWS_ACCESS_KEY_ID"]`), // a lookup
		},
	},
	"aws-secret-key": {
		match: []example{
			ex(`aws_secret_access_key = "2hpChYgCfrL1spNxnyVmihA+2O76UMFxFkM+R5Kj"`),
			exAt("creds.yaml", "AWS_SECRET_KEY: 2hpChYgCfrL1spNxnyVmihA+2O76UMFxFkM+R5Kj"),
			// next to an access key id, whatever the variable is called
			ex("client = boto3.client('s3',\n    'AKIAUJZDEGXDNCF32EPF',\n    '2hpChYgCfrL1spNxnyVmihA+2O76UMFxFkM+R5Kj')"),
		},
		noMatch: []example{
			ex(`aws_secret_access_key = os.environ["AWS_SECRET_ACCESS_KEY"]`),
			ex(`aws_secret_access_key = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"`),
			ex(`sha = "2fd4e1c67a2d28fced849ee1bb76e7391b93eb12"`), // a git hash, no AWS context
		},
	},
	"github-token": {
		match: []example{
			ex(`GITHUB_TOKEN = "ghp_hGAkWvj7FAc9QeWJKY40uvSwMFLZDe1f8rES"`),
			exAt("ci.yml", "token: ghs_QedUStPKR0CsTy4Qwb8DwkNhFdnXsiVpzz63"),
		},
		noMatch: []example{
			ex(`token = "ghp_hGAkWvj7FAc9QeWJKY40uvSwMF"`), // too short
			ex(`prefix = "ghp_"`),
		},
	},
	"github-fine-grained-token": {
		match:   []example{ex(`t = "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"`)},
		noMatch: []example{ex(`t = "github_pat_FfkCzJr4i0B3JrTAwR4y9o"`)},
	},
	"gitlab-token": {
		match:   []example{exAt(".env", "GITLAB_TOKEN=glpat-gnatmUdjAWtGSU8po_79")},
		noMatch: []example{ex(`t = "glpat-xxxxxxxxxxxxxxxxxxxx"`), ex(`t = "glpat-short"`)},
	},
	"slack-token": {
		match:   []example{ex(`SLACK_BOT_TOKEN = "xoxb-741215472803-8528084148525-XoIIXGvOoNZYW2mZp0zVZomH"`)},
		noMatch: []example{ex(`t = "xoxb-your-token-here"`), ex(`t = "xoxb-"`)},
	},
	"slack-webhook": {
		match:   []example{ex(`HOOK = "https://hooks.slack.com/services/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"`)},
		noMatch: []example{ex(`HOOK = "https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX"`)},
	},
	"stripe-key": {
		match:   []example{ex(`stripe.api_key = "sk_live_WmE4lBYOvfZ8UzDzV8fUkkib"`), ex(`k = 'rk_live_WmE4lBYOvfZ8UzDzV8fUkkib'`)},
		noMatch: []example{ex(`stripe.api_key = "sk_test_WmE4lBYOvfZ8UzDzV8fUkkib"`), ex(`k = "sk_live_xxxxxxxxxxxxxxxxxxxxxxxx"`)},
	},
	"google-api-key": {
		match:   []example{exAt("web/maps.js", `const key = "AIzat7s8Stqcbnr3yBdGBLEPH1qhT61qtc4xatw";`)},
		noMatch: []example{ex(`k = "AIzaSy-short"`)},
	},
	"openai-api-key": {
		match: []example{
			ex(`client = OpenAI(api_key="sk-proj-s8phP9nhFyJfm5di4PzJ59FHz5r1pY4OjE2jBMptUsGr7CmY_uCu3ZR1zTOl")`),
			ex(`OPENAI_API_KEY = "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"`),
		},
		noMatch: []example{ex(`OPENAI_API_KEY = "sk-..."`), ex(`key = "sk-proj-abc"`)},
	},
	"anthropic-api-key": {
		match:   []example{ex(`ANTHROPIC_API_KEY = "sk-ant-api03-HZt-PlJhx2jIclHkCiHp6bR1IqfEouHgxzNNAL5wIScGebcy8F5n3-YNBDRzrZSgqbjG3uhkWKFLf6xuI5aHUQPFeNBTxAA"`)},
		noMatch: []example{ex(`ANTHROPIC_API_KEY = "sk-ant-api03-..."`), ex(`k = "sk-ant-xxxx"`)},
	},
	"private-key": {
		match: []example{
			exAt("deploy/id_rsa", "-----BEGIN RSA PRIVATE KEY-----\n"+pemBody+"-----END RSA PRIVATE KEY-----\n"),
			exAt("sa.json", `{"private_key": "-----BEGIN PRIVATE KEY-----\n`+strings.ReplaceAll(pemBody, "\n", `\n`)+`-----END PRIVATE KEY-----\n"}`),
		},
		noMatch: []example{
			ex(`if line.startswith("-----BEGIN RSA PRIVATE KEY-----"):`),
			exAt("README.md", "-----BEGIN PRIVATE KEY-----\n"+strings.Repeat("AAAA", 40)+"\n-----END PRIVATE KEY-----"),
			exAt("k.pem", "-----BEGIN PUBLIC KEY-----\n"+pemBody+"-----END PUBLIC KEY-----\n"),
		},
	},
	"jwt": {
		match:   []example{ex(`headers = {"Authorization": "JWT eyJhbGciOiAiSFMyNTYiLCAidHlwIjogIkpXVCJ9.eyJzdWIiOiAiMTIzNDU2Nzg5MCIsICJuYW1lIjogIkZha2UgUGVyc29uIiwgImlhdCI6IDE3MDAwMDAwMDB9.aQWk8JzFalHlsZfYcMMDktXP-tKsf2rcDkdfrUnW5gc"}`)},
		noMatch: []example{ex(`s = "eyJub3RhIjogImp3dCJ9.eyJzdWIiOiAiMTIzNDU2Nzg5MCJ9.aQWk8JzFalHlsZfYcMMDktXP"`)}, // header has no alg
	},
	"npm-token": {
		match:   []example{exAt(".npmrc", "//registry.npmjs.org/:_authToken=npm_OIRpFqaDZeV7G5IfQHeVVEqZe2qpUWnoVPDF")},
		noMatch: []example{ex(`t = "npm_install_packages_for_the_project"`)},
	},
	"npmrc-auth": {
		match:   []example{exAt(".npmrc", "//npm.corp.test/:_authToken=Yk9tR2xWc3pQbnE4ZkJ3VDFoWmM2")},
		noMatch: []example{exAt(".npmrc", "//registry.npmjs.org/:_authToken=${NPM_TOKEN}")},
	},
	"pypi-token": {
		match:   []example{exAt(".pypirc", "password = pypi-AgEIcHlwaS5vcmcWj9KfzjsQGMrb9h_ImB_LK777pzNk8cL6j5IXAAjlsHUqJoUD-_Ydua_5ZMs1SWOpQaPRY")},
		noMatch: []example{exAt(".pypirc", "password = pypi-AgEIcHlwaS5vcmc")},
	},
	"twilio-api-key": {
		match:   []example{ex(`TWILIO_KEY = "SK36098b2cc2bd818319478da6bd0c621d"`)},
		noMatch: []example{ex(`TASK = "SK_00000000000000000000000000000000"`), ex(`x = "SK00000000000000000000000000000000"`)},
	},
	"sendgrid-api-key": {
		match:   []example{ex(`SENDGRID_API_KEY = "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"`)},
		noMatch: []example{ex(`module = "SG.Utils.format"`)},
	},
	"azure-storage-key": {
		match:   []example{ex(`CONN = "DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=qe28+ajY75FnCttn6kfaqDeMqG3omjMyXHCabM6JOF8EFd0Nhcy/1kGD2VD/eR1UYzaLiA/zNyD7CHLn/xC+1h==;EndpointSuffix=core.windows.net"`)},
		noMatch: []example{ex(`CONN = "AccountName=acct;AccountKey=<key>"`)},
	},
	"huggingface-token": {
		match:   []example{ex(`login(token="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")`)},
		noMatch: []example{ex(`name = "hf_model"`)},
	},
	"shopify-token": {
		match:   []example{ex(`SHOPIFY_TOKEN = "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"`)},
		noMatch: []example{ex(`SHOPIFY_TOKEN = "shpat_"`)},
	},
	"digitalocean-token": {
		match:   []example{exAt("main.tf", `token = "dop_v1_1e21862ab8a18a8902073fec8df4f50947aaeb26c57d21fa5d328263dfe574de"`)},
		noMatch: []example{exAt("main.tf", `token = var.do_token`)},
	},
	"google-oauth-token": {
		match:   []example{ex(`creds = {"access_token": "ya29.575yx8xm5MslfY5ubiheyEd7P4zDL-ak6J0kGODKdinZnLXicaBAg8WY1jzI"}`)},
		noMatch: []example{ex(`creds = {"access_token": "ya29.xxxx"}`)},
	},
	"mailgun-api-key": {
		match:   []example{ex(`MAILGUN_KEY = "key-a29a0d347301ef56e64dc3cd6089065c"`)},
		noMatch: []example{ex(`d = {"key-value": "pairs"}`), ex(`k = "key-00000000000000000000000000000000"`)},
	},
	"square-token": {
		match:   []example{ex(`SQUARE_TOKEN = "sq0atp-mfsB4HbQLXjjlAFbVV6q9r"`), ex(`secret = "sq0csp-XxtNDFyuzX9k1gnneGEYG1_LwiqD9jJBAciI05FhfwK"`)},
		noMatch: []example{ex(`SQUARE_TOKEN = "sq0atp-"`)},
	},
	"databricks-token": {
		match:   []example{exAt(".databrickscfg", "token = dapib42b4ea410fb9102f29a422eb14ab2f2")},
		noMatch: []example{ex(`from dapi import client`)},
	},
	"discord-webhook": {
		match:   []example{ex(`HOOK = "https://discord.com/api/webhooks/607909669091111465/X647kdNl9cDo-_GbVMszvR4-EPZGz3zBXCOArr-SfiJvo58JB0W-O5PjeJfJTNcrZ6yd"`)},
		noMatch: []example{ex(`# see https://discord.com/developers/docs/resources/webhook and /api/webhooks/{id}/{token}`)},
	},
	"telegram-bot-token": {
		match:   []example{ex(`bot = Bot(token="4320171851:AAzz8Gwb8ewCISuYCl0Xq56zaWR7PAmpBFX")`)},
		noMatch: []example{ex(`t = "12:AAA"`), ex(`ratio = "1234567890:AAaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"`)},
	},
	"vault-token": {
		match:   []example{exAt("deploy.sh", "export VAULT_TOKEN=hvs.lNPHcSke4R1J_dBi2ewQr8t4")},
		noMatch: []example{exAt("deploy.sh", "export VAULT_TOKEN=hvs.")},
	},
	"database-url-password": {
		match: []example{
			ex(`DATABASE_URL = "postgres://app:Zq8w!rT3vK@db.internal:5432/app"`),
			exAt("docker-compose.yml", "      MONGO_URL: mongodb+srv://svc:hG7x2LpQ9s@cluster0.mongodb.test/prod"),
		},
		noMatch: []example{
			ex(`DATABASE_URL = "postgres://postgres:postgres@localhost/app"`),
			ex(`DATABASE_URL = "postgres://user:password@localhost/app"`),
			ex(`DATABASE_URL = f"postgres://{user}:{pw}@{host}/app"`),
			ex(`DATABASE_URL = "postgres://app:${DB_PASSWORD}@db/app"`),
			ex(`DATABASE_URL = "postgres://db.internal:5432/app"`),
		},
	},
	"url-basic-auth": {
		match:   []example{ex(`r = requests.get("https://deploy:W7vKq2pZ9x@artifacts.corp.test/build.zip")`)},
		noMatch: []example{ex(`url = "https://user:pass@example.com/"`), ex(`url = "https://git@github.com:org/repo"`), ex(`see https://host:8080@x`)},
	},
	"bearer-token": {
		match:   []example{exAt("call.sh", `curl -H "Authorization: Bearer Yk9tR2xWc3pQbnE4ZkJ3VDFoWmM2" https://api.test/`)},
		noMatch: []example{exAt("call.sh", `curl -H "Authorization: Bearer $TOKEN" https://api.test/`), ex(`auth = "Bearer " + token`)},
	},
	"generic-secret": {
		match: []example{
			ex(`password = "Zq8w!rT3vK"`),
			ex(`DB_PASSWORD: str = "Zq8w!rT3vK"`),
			ex(`SECRET_KEY = 'gPDcgaE40o1C6xc4sohdmM0Lm7exG3lC'`),
			exAt("main.go", `const apiToken = "gPDcgaE40o1C6xc4sohdmM0Lm7exG3lC"`),
			exAt("main.go", `cfg := Config{Password: "Zq8w!rT3vK"}`),
			exAt("App.java", `private static final String API_KEY = "gPDcgaE40o1C6xc4sohdmM0Lm7exG3lC";`),
			exAt("app.js", "const client = new Client({ apiKey: `gPDcgaE40o1C6xc4sohdmM0Lm7exG3lC` });"),
			exAt("config.php", `define('DB_PASSWORD', 'Zq8w!rT3vK');`),
			exAt("config.yaml", "database:\n  password: Zq8w!rT3vK\n"),
			exAt(".env", "STRIPE_SECRET=gPDcgaE40o1C6xc4sohdmM0Lm7exG3lC"),
			exAt("app.properties", "spring.datasource.password=Zq8w!rT3vK"),
			exAt("auth.go", `if "Zq8w!rT3vK" == password {`),
			ex(`self.configuration.san_password = 'sysadmin'`),
			exAt("settings.xml", `    <password>Zq8w!rT3vK</password>`),
			ex(`password = "Megadeth"`),
			exAt("auth.js", `if ('gPDcgaE40o1C6xc4sohdmM0Lm7exG3lC' !== token) return;`),
			exAt("main.go", `pw = "Zq8w!rT3vK"`),
			exAt("main.go", `const cred = "gPDcgaE40o1C6xc4sohdmM0Lm7exG3lC"`),
			exAt("main.go", `bearer := "Bearer: gPDcgaE40o1C6xc4sohdmM0Lm7exG3lC"`),
		},
		noMatch: []example{
			ex(`password = os.environ["DB_PASSWORD"]`),
			ex(`password = os.getenv("DB_PASSWORD")`),
			ex(`password = "changeme"`),
			ex(`password = "<your-password>"`),
			ex(`password = "${DB_PASSWORD}"`),
			ex(`password = "xxxxxxxx"`),
			ex(`password = "example-password-1"`),
			ex(`password = get_password()`),
			ex(`password = self.password`),
			ex(`token = request.headers.get("X-Token")`),
			ex(`password_field = "Zq8w!rT3vK"`),
			ex(`PASSWORD_PROMPT = "Enter your password:"`),
			ex(`token_type = "bearer_token_type"`),
			ex(`SECRET_KEY_ENV = "DJANGO_SECRET_KEY"`),
			ex(`tokenizer = "gPDcgaE40o1C6xc4sohdmM0Lm7exG3lC"`),
			ex(`api_key = "short"`),
			exAt("main.go", `password := "Zq8w!rT3vK"`[:0]+`password := cfg.Password`),
			exAt("main.py", `password = Zq8w!rT3vK1234`), // unquoted in code is an expression
			exAt("app/settings_test.py", `password = "Zq8w!rT3vK"`),
			exAt("testdata/config.yaml", "password: Zq8w!rT3vK"),
			exAt("main.go", `pwned := "Zq8w!rT3vK"`),
			exAt("fetch.go", `const jsFetchCreds = "js.fetch:credentials"`),
			ex(`password = "password"`),
			exAt("settings.xml", `    <password>${env.DB_PASSWORD}</password>`),
			exAt("pom.xml", `<passwordPolicy>Zq8w!rT3vK</passwordPolicy>`),
			ex(`result = {"NextToken": "QTKknzFg2J4ygwa+XvHAxUl1hyHoY0gVfZdfjIedHZ0="}`),
			ex(`client_token = "5f2a9c3e-1b7d-4e8f-9a6b-0c1d2e3f4a5b"`),
			exAt("README.md", `password = "Zq8w!rT3vK"`),
			ex(`password_label = "Password"`),
			ex(`errors.password = "required"`),
			ex(`form['password'] = 'secret'`),
			ex(`password_reset_template = 'auth/password_reset/form.html'`),
			exAt("main.go", `if "Zq8w!rT3vK" == name {`),
			exAt("main.go", `if x == password {`),
			ex(`docs = "See https://example.org/password-reset"`),
		},
	},
}

func TestRuleExamples(t *testing.T) {
	for _, r := range rules {
		exs, ok := examples[r.id]
		if !ok || len(exs.match) == 0 || len(exs.noMatch) == 0 {
			t.Errorf("rule %s: needs must-match and must-not-match examples", r.id)
			continue
		}
		id := "secrets." + r.id
		for _, e := range exs.match {
			if !hasRule(Scan(e.file(), []byte(e.src)), id) {
				t.Errorf("rule %s: must match %s: %q", r.id, e.file(), e.src)
			}
		}
		for _, e := range exs.noMatch {
			if fs := Scan(e.file(), []byte(e.src)); hasRule(fs, id) {
				t.Errorf("rule %s: must not match %s: %q", r.id, e.file(), e.src)
			}
		}
	}
	for id := range examples {
		found := false
		for _, r := range rules {
			found = found || r.id == id
		}
		if !found {
			t.Errorf("examples for unknown rule %s", id)
		}
	}
}

func hasRule(fs []airlock.Finding, id string) bool {
	for _, f := range fs {
		if f.RuleID == id {
			return true
		}
	}
	return false
}

package secrets

import (
	"encoding/base64"
	"encoding/json"
	"github.com/airlockhq/airlock/internal/lazyre"
	"strings"

	"github.com/airlockhq/airlock"
)

// rule is one secret pattern. Every capturing group of re except the one
// named "name" is a place the secret may be; the first non-empty one is
// the secret. Assignment rules use a scanner instead of re. Examples that must and must not match live in rules_test.go,
// so that scanning this repository does not flag its own test keys at
// full severity.
type rule struct {
	id       string // without the "secrets." prefix
	what     string // noun phrase for the message
	keywords []string
	re       *lazyre.Regexp
	severity airlock.Severity
	// minEntropy, when set, is the Shannon entropy (bits per character)
	// the secret must reach; it keeps words and identifiers out.
	minEntropy float64
	// minLen is the shortest secret accepted.
	minLen int
	// multiline rules match from the keyword's line onwards (PEM blocks).
	multiline bool
	// generic rules are assignments guessed from a variable name; they
	// skip test files and placeholder values entirely.
	generic bool
	// check is an extra structural test on the secret (JWT header, etc.).
	check func(secret string) bool
	// assign rules find name = value pairs with a scanner, not re.
	assign bool
	// placeholderOK keeps matches whose value contains a placeholder word
	// (provider formats are specific enough that "example" inside a
	// random-looking key is unlikely to be one).
	placeholderOK bool
}

// Provider formats. Anchors are written as explicit non-word classes
// rather than \b where a key may start with a punctuation character.
var (
	reAWSKeyID       = lazyre.New(`\b((?:AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16})\b`)
	reAWSSecret      = lazyre.New(`(?i)aws.{0,20}?(?:secret|sk|private)[\w.-]{0,20}["']?\s*(?::=|=>|[:=])\s*["']?([A-Za-z0-9/+]{40})(?:[^A-Za-z0-9/+=]|$)`)
	reGitHubToken    = lazyre.New(`\b((?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{36})\b`)
	reGitHubFineGr   = lazyre.New(`\b(github_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59})\b`)
	reGitLabToken    = lazyre.New(`\b((?:glpat|gldt|glrt|glptt)-[A-Za-z0-9_-]{20,64})(?:[^A-Za-z0-9_-]|$)`)
	reSlackToken     = lazyre.New(`\b(xox[abposr]-[0-9]{6,}-[0-9A-Za-z-]{8,250})`)
	reSlackWebhook   = lazyre.New(`(https://hooks\.slack\.com/(?:services|workflows)/T[A-Z0-9]{6,}/[A-Z0-9]{6,}/[A-Za-z0-9]{20,})`)
	reStripe         = lazyre.New(`\b((?:sk|rk)_live_[0-9A-Za-z]{20,99})\b`)
	reGoogleAPIKey   = lazyre.New(`\b(AIza[0-9A-Za-z_-]{35})(?:[^0-9A-Za-z_-]|$)`)
	reOpenAI         = lazyre.New(`\b(sk-(?:proj|svcacct|admin)-[A-Za-z0-9_-]{40,300}|sk-[A-Za-z0-9]{20}T3BlbkFJ[A-Za-z0-9]{20})(?:[^A-Za-z0-9_-]|$)`)
	reAnthropic      = lazyre.New(`\b(sk-ant-(?:api03|admin01|oat01)-[A-Za-z0-9_-]{80,120})(?:[^A-Za-z0-9_-]|$)`)
	rePrivateKey     = lazyre.New(`(-----BEGIN[ A-Z0-9]{0,40} PRIVATE KEY(?: BLOCK)?-----(?:\\n|[\s\\])*[A-Za-z0-9+/=:,\s\\-]{64,}?-----END[ A-Z0-9]{0,40} PRIVATE KEY(?: BLOCK)?-----)`)
	reJWT            = lazyre.New(`\b(eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{16,})`)
	reNPMToken       = lazyre.New(`\b(npm_[A-Za-z0-9]{36})\b`)
	reNPMRCAuth      = lazyre.New(`(?:^|:)_auth(?:Token)?\s*=\s*["']?([A-Za-z0-9+/=_.-]{20,})`)
	rePyPI           = lazyre.New(`\b(pypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{50,})`)
	reTwilio         = lazyre.New(`\b(SK[0-9a-f]{32})\b`)
	reSendGrid       = lazyre.New(`\b(SG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43})(?:[^A-Za-z0-9_-]|$)`)
	reAzureStorage   = lazyre.New(`(?i)AccountKey\s*=\s*([A-Za-z0-9+/]{86}==)`)
	reHuggingFace    = lazyre.New(`\b(hf_[A-Za-z]{34})\b`)
	reShopify        = lazyre.New(`\b(shp(?:at|ca|pa|ss)_[a-fA-F0-9]{32})\b`)
	reDigitalOcean   = lazyre.New(`\b(do[opr]_v1_[a-f0-9]{64})\b`)
	reGoogleOAuth    = lazyre.New(`\b(ya29\.[0-9A-Za-z_-]{20,})`)
	reMailgun        = lazyre.New(`\b(key-[0-9a-f]{32})\b`)
	reSquare         = lazyre.New(`\b(sq0atp-[0-9A-Za-z_-]{22}|sq0csp-[0-9A-Za-z_-]{43})(?:[^0-9A-Za-z_-]|$)`)
	reDatabricks     = lazyre.New(`\b(dapi[0-9a-f]{32})(?:-\d)?\b`)
	reDiscordWebhook = lazyre.New(`(https://(?:ptb\.|canary\.)?discord(?:app)?\.com/api/webhooks/\d{17,20}/[0-9A-Za-z_-]{60,80})`)
	reTelegramBot    = lazyre.New(`\b(\d{8,10}:AA[0-9A-Za-z_-]{33})(?:[^0-9A-Za-z_-]|$)`)
	reVaultToken     = lazyre.New(`\b(hv[sb]\.[0-9A-Za-z_-]{24,})`)
	reDatabaseURL    = lazyre.New(`(?i)\b(?:postgres(?:ql)?|mysql|mariadb|mongodb(?:\+srv)?|rediss?|amqps?|mssql|sqlserver|oracle)://(?P<name>[^:/\s"'@]+):([^@\s"'/]+)@[^\s"'/]`)
	reURLBasicAuth   = lazyre.New(`(?i)\b(?:https?|ftps?|wss?)://(?P<name>[^:/\s"'@<>{}]+):([^@\s"'/<>{},]+)@[A-Za-z0-9.-]`)
	reBearer         = lazyre.New(`(?i)\bbearer\s+([A-Za-z0-9_\-.~+/]{20,}=*)`)
)

// rules is the built-in rule set, most specific first: when two rules
// find the same secret the earlier one wins.
var rules = []*rule{
	{id: "aws-access-key", what: "AWS access key id", keywords: []string{"akia", "asia", "abia", "acca"}, re: reAWSKeyID, severity: airlock.Critical},
	{id: "aws-secret-key", what: "AWS secret access key", keywords: []string{"aws"}, re: reAWSSecret, severity: airlock.Critical, minEntropy: 4.0},
	{id: "github-token", what: "GitHub token", keywords: []string{"ghp_", "gho_", "ghu_", "ghs_", "ghr_"}, re: reGitHubToken, severity: airlock.Critical, minEntropy: 3.5, placeholderOK: true},
	{id: "github-fine-grained-token", what: "GitHub fine-grained token", keywords: []string{"github_pat_"}, re: reGitHubFineGr, severity: airlock.Critical, minEntropy: 3.5, placeholderOK: true},
	{id: "gitlab-token", what: "GitLab token", keywords: []string{"glpat-", "gldt-", "glrt-", "glptt-"}, re: reGitLabToken, severity: airlock.Critical, minEntropy: 3.3},
	{id: "slack-token", what: "Slack token", keywords: []string{"xoxa-", "xoxb-", "xoxp-", "xoxo-", "xoxr-", "xoxs-"}, re: reSlackToken, severity: airlock.Critical},
	{id: "slack-webhook", what: "Slack webhook URL", keywords: []string{"hooks.slack.com"}, re: reSlackWebhook, severity: airlock.High},
	{id: "stripe-key", what: "Stripe live key", keywords: []string{"sk_live_", "rk_live_"}, re: reStripe, severity: airlock.Critical, minEntropy: 3.3},
	{id: "google-api-key", what: "Google API key", keywords: []string{"aiza"}, re: reGoogleAPIKey, severity: airlock.High, minEntropy: 3.5, placeholderOK: true},
	{id: "openai-api-key", what: "OpenAI API key", keywords: []string{"sk-proj-", "sk-svcacct-", "sk-admin-", "t3blbkfj"}, re: reOpenAI, severity: airlock.Critical, minEntropy: 3.5, placeholderOK: true},
	{id: "anthropic-api-key", what: "Anthropic API key", keywords: []string{"sk-ant-"}, re: reAnthropic, severity: airlock.Critical, minEntropy: 3.5, placeholderOK: true},
	{id: "private-key", what: "private key", keywords: []string{"private key"}, re: rePrivateKey, severity: airlock.Critical, multiline: true, check: pemBodyLooksReal, placeholderOK: true},
	{id: "jwt", what: "JSON Web Token", keywords: []string{"eyj"}, re: reJWT, severity: airlock.High, check: jwtLooksReal, placeholderOK: true},
	{id: "npm-token", what: "npm access token", keywords: []string{"npm_"}, re: reNPMToken, severity: airlock.Critical, minEntropy: 3.5, placeholderOK: true},
	{id: "npmrc-auth", what: "npm registry credential", keywords: []string{"_auth"}, re: reNPMRCAuth, severity: airlock.Critical, minEntropy: 3.5},
	{id: "pypi-token", what: "PyPI upload token", keywords: []string{"pypi-ageichlwas5vcmc"}, re: rePyPI, severity: airlock.Critical, placeholderOK: true},
	{id: "twilio-api-key", what: "Twilio API key", keywords: []string{"sk"}, re: reTwilio, severity: airlock.High, minEntropy: 3.3},
	{id: "sendgrid-api-key", what: "SendGrid API key", keywords: []string{"sg."}, re: reSendGrid, severity: airlock.Critical, minEntropy: 3.5, placeholderOK: true},
	{id: "azure-storage-key", what: "Azure storage account key", keywords: []string{"accountkey"}, re: reAzureStorage, severity: airlock.Critical, minEntropy: 4.0, placeholderOK: true},
	{id: "huggingface-token", what: "Hugging Face token", keywords: []string{"hf_"}, re: reHuggingFace, severity: airlock.High, minEntropy: 3.5},
	{id: "shopify-token", what: "Shopify access token", keywords: []string{"shpat_", "shpca_", "shppa_", "shpss_"}, re: reShopify, severity: airlock.Critical, minEntropy: 3.0},
	{id: "digitalocean-token", what: "DigitalOcean token", keywords: []string{"doo_v1_", "dop_v1_", "dor_v1_"}, re: reDigitalOcean, severity: airlock.Critical, minEntropy: 3.0},
	{id: "google-oauth-token", what: "Google OAuth access token", keywords: []string{"ya29."}, re: reGoogleOAuth, severity: airlock.High, minEntropy: 3.5, placeholderOK: true},
	{id: "mailgun-api-key", what: "Mailgun API key", keywords: []string{"key-"}, re: reMailgun, severity: airlock.Critical, minEntropy: 3.3},
	{id: "square-token", what: "Square access token or secret", keywords: []string{"sq0atp-", "sq0csp-"}, re: reSquare, severity: airlock.Critical, minEntropy: 3.5, placeholderOK: true},
	{id: "databricks-token", what: "Databricks token", keywords: []string{"dapi"}, re: reDatabricks, severity: airlock.Critical, minEntropy: 3.3},
	{id: "discord-webhook", what: "Discord webhook URL", keywords: []string{"/api/webhooks/"}, re: reDiscordWebhook, severity: airlock.High, placeholderOK: true},
	{id: "telegram-bot-token", what: "Telegram bot token", keywords: []string{":aa"}, re: reTelegramBot, severity: airlock.High, minEntropy: 3.5, placeholderOK: true},
	{id: "vault-token", what: "HashiCorp Vault token", keywords: []string{"hvs.", "hvb."}, re: reVaultToken, severity: airlock.Critical, minEntropy: 3.5, placeholderOK: true},
	{id: "database-url-password", what: "password in a database URL", keywords: []string{"://"}, re: reDatabaseURL, severity: airlock.High, minLen: 3},
	{id: "url-basic-auth", what: "password in a URL", keywords: []string{"://"}, re: reURLBasicAuth, severity: airlock.High, minLen: 3},
	{id: "bearer-token", what: "bearer token", keywords: []string{"bearer"}, re: reBearer, severity: airlock.High, minEntropy: 3.5, generic: true},
	{id: "generic-secret", what: "secret or password", keywords: []string{"password", "passwd", "passphrase", "pwd", "pw", "secret", "token", "key", "cred", "bearer"}, assign: true, severity: airlock.High, generic: true},
}

// jwtLooksReal decodes the header: a real token's header is a JSON object
// naming its algorithm.
func jwtLooksReal(tok string) bool {
	head, _, ok := strings.Cut(tok, ".")
	if !ok {
		return false
	}
	raw, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(head, "="))
	if err != nil {
		return false
	}
	var h map[string]any
	if json.Unmarshal(raw, &h) != nil {
		return false
	}
	_, ok = h["alg"]
	return ok
}

// pemBodyLooksReal rejects documentation blocks whose body is a repeated
// filler ("AAAA…", "xxxx") rather than key material.
func pemBodyLooksReal(block string) bool {
	// The header is "-----BEGIN … KEY-----": the body starts after its
	// second run of dashes and ends at "-----END".
	i := strings.Index(block, "KEY-----")
	if i < 0 {
		i = strings.Index(block, "BLOCK-----")
	}
	j := strings.Index(block, "-----END")
	if i < 0 || j < i {
		return false
	}
	body := strings.ReplaceAll(block[i:j], `\n`, "\n")
	body = strings.TrimLeft(body, "KEYBLOC-")
	var b strings.Builder
	for _, line := range strings.Split(body, "\n") {
		// Encrypted keys carry "Proc-Type:" and "DEK-Info:" headers.
		if strings.Contains(line, ":") {
			continue
		}
		b.WriteString(strings.TrimSpace(line))
	}
	return b.Len() >= 64 && shannon(b.String()) >= 4.5
}

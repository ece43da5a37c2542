package secrets

import (
	"testing"

	"github.com/airlockhq/airlock/internal/lazyre"
)

// TestPatternsCompile compiles every lazily compiled pattern, so a bad
// pattern fails here rather than on first use.
func TestPatternsCompile(t *testing.T) {
	for _, r := range []*lazyre.Regexp{
		reAWSKeyID,
		reAWSSecret,
		reAWSSecretNear,
		reAnthropic,
		reAuthScheme,
		reAzureStorage,
		reBearer,
		reCall,
		reCamel,
		reDatabaseURL,
		reDatabricks,
		reDigitalOcean,
		reDiscordWebhook,
		reDottedName,
		reEnvName,
		reGitHubFineGr,
		reGitHubToken,
		reGitLabToken,
		reGoogleAPIKey,
		reGoogleOAuth,
		reHuggingFace,
		reJWT,
		reMailgun,
		reNPMRCAuth,
		reNPMToken,
		reOpenAI,
		rePlainWord,
		rePrivateKey,
		rePyPI,
		reSendGrid,
		reShopify,
		reSlackToken,
		reSlackWebhook,
		reSquare,
		reStripe,
		reTelegramBot,
		reTwilio,
		reURLBasicAuth,
		reUUID,
		reVaultToken,
		reWords,
	} {
		r.Re() // panics, failing the test, on a bad pattern
	}
	for _, r := range rules {
		if r.re != nil {
			r.re.Re()
		}
	}
}

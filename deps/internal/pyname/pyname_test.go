package pyname

import "testing"

func TestNormalize(t *testing.T) {
	for in, want := range map[string]string{
		"Flask_SQLAlchemy": "flask-sqlalchemy", "flask.sqlalchemy": "flask-sqlalchemy", "a--_.b": "a-b",
		"PyYAML": "pyyaml", "zope.interface": "zope-interface", "": "", "-x-": "-x-",
	} {
		if got := Normalize(in); got != want {
			t.Errorf("Normalize(%q) = %q, want %q", in, got, want)
		}
	}
}

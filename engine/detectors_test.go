package engine

import (
	"testing"

	"github.com/airlockhq/airlock"
)

func TestDetectorsValid(t *testing.T) {
	if err := airlock.ValidateDetectors(Detectors()); err != nil {
		t.Fatal(err)
	}
}

package kv_test

import (
	"errors"
	"os"
	"testing"

	"github.com/stela-db/stela/kv"
)

// Side files are written whole, read back after a reopen, replaced, and
// named only with their prefix.
func TestSideFile(t *testing.T) {
	dir := t.TempDir()
	s, err := kv.Open(dir, kv.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.ReadSideFile("side-x"); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("missing file: %v, want not exist", err)
	}
	for _, data := range []string{"first", "second, longer"} {
		if err := s.WriteSideFile("side-x", []byte(data)); err != nil {
			t.Fatal(err)
		}
	}
	for _, bad := range []string{"x", "side-a/b", "side-x.partial", "MANIFEST-000001"} {
		if err := s.WriteSideFile(bad, nil); err == nil {
			t.Errorf("WriteSideFile(%q) succeeded", bad)
		}
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s, err = kv.Open(dir, kv.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if b, err := s.ReadSideFile("side-x"); err != nil || string(b) != "second, longer" {
		t.Fatalf("after reopen: %q, %v", b, err)
	}

	// A rename replaces its target; one of a missing file does nothing.
	if err := s.WriteSideFile("side-y", []byte("old")); err != nil {
		t.Fatal(err)
	}
	if ok, err := s.RenameSideFile("side-x", "side-y"); !ok || err != nil {
		t.Fatalf("rename: %v, %v", ok, err)
	}
	if b, err := s.ReadSideFile("side-y"); err != nil || string(b) != "second, longer" {
		t.Fatalf("after rename: %q, %v", b, err)
	}
	if _, err := s.ReadSideFile("side-x"); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("renamed file still there: %v", err)
	}
	if ok, err := s.RenameSideFile("side-x", "side-z"); ok || err != nil {
		t.Fatalf("rename of a missing file: %v, %v", ok, err)
	}
	if _, err := s.RenameSideFile("side-y", "MANIFEST"); err == nil {
		t.Fatal("rename to a name without the prefix succeeded")
	}

	// Removing twice is fine.
	for range 2 {
		if err := s.RemoveSideFile("side-y"); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.ReadSideFile("side-y"); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("removed file still there: %v", err)
	}
	if err := s.RemoveSideFile("LOCK"); err == nil {
		t.Fatal("RemoveSideFile(LOCK) succeeded")
	}
}

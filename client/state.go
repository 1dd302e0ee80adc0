package client

import (
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/stela-db/stela/kv/merkle"
)

// Trusted is the last checkpoint a client verified for one server and
// database.
type Trusted struct {
	Origin  string      `json:"origin"`
	Size    uint64      `json:"size"`
	Root    merkle.Hash `json:"-"`
	RootHex string      `json:"root"`
	// The key the server signs with, once a signed checkpoint was
	// trusted: its name (the origin), signed-note key ID (8 hex digits)
	// and PKIX PEM public key. From then on a checkpoint not signed by it
	// (unsigned, or by another key) is refused with ErrUnexpectedKey,
	// unless other keys are pinned (Options.Keys). Absent while the
	// server's checkpoints are unsigned.
	KeyName   string `json:"key_name,omitempty"`
	KeyID     string `json:"key_id,omitempty"`
	PublicKey string `json:"public_key,omitempty"`
}

// stateFile is the JSON document of a state file: trusted states by key
// (server and database, or a name the application chose).
type stateFile struct {
	States map[string]Trusted `json:"states"`
}

// loadState reads the trusted state under key from path (none yet: ok
// false). The caller holds the file's lock.
func loadState(path, key string) (t Trusted, ok bool, err error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) || (err == nil && len(b) == 0) {
		return t, false, nil
	}
	if err != nil {
		return t, false, err
	}
	var f stateFile
	if err := json.Unmarshal(b, &f); err != nil {
		return t, false, fmt.Errorf("client: state file %s: %w", path, err)
	}
	t, ok = f.States[key]
	if !ok {
		return t, false, nil
	}
	r, err := hex.DecodeString(t.RootHex)
	if err != nil || len(r) != len(t.Root) {
		return t, false, fmt.Errorf("client: state file %s: bad root for %q", path, key)
	}
	copy(t.Root[:], r)
	return t, true, nil
}

// saveState replaces the trusted state under key, writing a new file and
// renaming it over the old one so that a crash leaves one or the other.
func saveState(path, key string, t Trusted) error {
	var f stateFile
	if b, err := os.ReadFile(path); err == nil && len(b) > 0 {
		if err := json.Unmarshal(b, &f); err != nil {
			return fmt.Errorf("client: state file %s: %w", path, err)
		}
	}
	if f.States == nil {
		f.States = map[string]Trusted{}
	}
	t.RootHex = hex.EncodeToString(t.Root[:])
	f.States[key] = t
	b, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".stela-state-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return err
	}
	if _, err := tmp.Write(append(b, '\n')); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// LoadTrusted returns the trusted state under key in the state file.
func LoadTrusted(path, key string) (Trusted, error) {
	unlock, err := lockState(path)
	if err != nil {
		return Trusted{}, err
	}
	defer unlock()
	t, ok, err := loadState(path, key)
	if err == nil && !ok {
		err = fmt.Errorf("client: no trusted state %q in %s", key, path)
	}
	return t, err
}

// Trusted returns the state this client trusts now (ok false: none yet),
// read from the state file under its lock.
func (c *Client) Trusted() (t Trusted, ok bool, err error) {
	unlock, err := lockState(c.statePath)
	if err != nil {
		return Trusted{}, false, err
	}
	defer unlock()
	return loadState(c.statePath, c.key)
}

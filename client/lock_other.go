//go:build !unix

package client

import "sync"

var stateMu sync.Mutex

// lockState serializes state updates within the process where file
// locks are not available.
func lockState(string) (func(), error) {
	stateMu.Lock()
	return stateMu.Unlock, nil
}

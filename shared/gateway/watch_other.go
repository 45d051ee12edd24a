//go:build !linux

package gateway

import "errors"

// watchDir has no event source outside Linux: awaitSocket polls.
func watchDir(string) (<-chan struct{}, func(), error) {
	return nil, nil, errors.New("no directory events on this system")
}

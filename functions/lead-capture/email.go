package leadcapture

import "strings"

// domainOf returns the lower-cased domain of a valid address.
func domainOf(email string) string {
	return strings.ToLower(email[strings.LastIndexByte(email, '@')+1:])
}

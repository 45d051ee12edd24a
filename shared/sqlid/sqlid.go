// Package sqlid computes Oracle's SQL_ID and HASH_VALUE of a statement text on the client, so a span
// can carry the identifier V$SQL, Performance Hub and Operations Insights use before the database is
// ever asked (godror exposes no SQL_ID).
//
// The algorithm: MD5 over the exact statement bytes the server receives followed by one NUL byte;
// digest bytes 8..11 and 12..15 read as little-endian uint32 hi and lo; n = hi<<32 | lo written in
// base 32 with the alphabet "0123456789abcdfghjkmnpqrstuvwxyz", 13 characters, zero-padded on the
// left. HASH_VALUE is lo. Nothing is normalised: case, whitespace and comments all change the SQL_ID,
// exactly as they change the cursor Oracle shares.
package sqlid

import (
	"crypto/md5"
	"encoding/binary"
)

// Len is the length of a SQL_ID.
const Len = 13

const alphabet = "0123456789abcdfghjkmnpqrstuvwxyz"

// Of returns the SQL_ID of sqlText, e.g. "a5ks9fhw2v9s1" for "select * from dual".
func Of(sqlText string) string {
	id, _ := compute(sqlText)
	return string(id[:])
}

// HashValue returns V$SQL.HASH_VALUE of sqlText, e.g. 942515969 for "select * from dual".
func HashValue(sqlText string) uint32 {
	_, lo := compute(sqlText)
	return lo
}

// stackText is the longest statement hashed from a stack buffer; longer ones cost one allocation.
const stackText = 1023

// compute returns the SQL_ID characters and the HASH_VALUE.
func compute(sqlText string) ([Len]byte, uint32) {
	var buf [stackText + 1]byte
	var b []byte
	if len(sqlText) <= stackText {
		b = buf[:len(sqlText)+1]
	} else {
		b = make([]byte, len(sqlText)+1)
	}
	copy(b, sqlText) // the last byte stays 0: the NUL Oracle hashes after the text
	sum := md5.Sum(b)
	hi := binary.LittleEndian.Uint32(sum[8:12])
	lo := binary.LittleEndian.Uint32(sum[12:16])
	n := uint64(hi)<<32 | uint64(lo)
	var id [Len]byte
	for i := Len - 1; i >= 0; i-- {
		id[i] = alphabet[n&31]
		n >>= 5
	}
	return id, lo
}

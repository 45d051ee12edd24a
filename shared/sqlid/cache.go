package sqlid

import (
	"sync"
	"sync/atomic"
)

// Cache memoises SQL_IDs per statement text so the cost per execution is one map lookup. It is safe
// for concurrent use. It is bounded: once it holds max entries it stops adding and computes the rest
// on every call, so dynamic statement texts cannot grow it without limit while the statement
// constants of a program (a few hundred) are all cached. sync.Map fits this read-mostly, write-once
// pattern better than a mutex-guarded map.
type Cache struct {
	m   sync.Map // string -> string
	n   atomic.Int64
	max int64
}

// NewCache returns a cache holding at most size statement texts (at least 1).
func NewCache(size int) *Cache {
	return &Cache{max: int64(max(size, 1))}
}

// Of returns the SQL_ID of sqlText, computing and remembering it on first use.
func (c *Cache) Of(sqlText string) string {
	if v, ok := c.m.Load(sqlText); ok {
		return v.(string)
	}
	id := Of(sqlText)
	if c.n.Load() < c.max {
		if _, loaded := c.m.LoadOrStore(sqlText, id); !loaded {
			c.n.Add(1)
		}
	}
	return id
}

// Len returns the number of cached statement texts.
func (c *Cache) Len() int { return int(c.n.Load()) }

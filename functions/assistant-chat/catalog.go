package assistantchat

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/octo-drone-shop/serverless/shared/db"
)

// maxCatalog bounds the products one load reads: the catalog is small (42 seeded); a larger one
// would call for Oracle Text on ATP (see ARCHITECTURE.md, "Assistant").
const maxCatalog = 2000

// catalogSQL is every active product, at most maxCatalog, in id order.
const catalogSQL = `SELECT id, name, sku, category, description, price, stock
FROM products
WHERE is_active = 1
ORDER BY id
FETCH FIRST 2000 ROWS ONLY`

// catalog keeps the index of the active catalog for a container, rebuilt when older than ttl: a
// product withdrawn or repriced is seen within ttl by every container. It is per Service (no
// package-level state); a failed load is returned, never cached.
type catalog struct {
	db  *db.DB
	ttl time.Duration
	now func() time.Time

	mu     sync.Mutex
	index  *Index
	loaded time.Time
}

// get returns the current index, loading it when missing or stale.
func (c *catalog) get(ctx context.Context) (*Index, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.index != nil && c.now().Sub(c.loaded) < c.ttl {
		return c.index, nil
	}
	products, err := loadCatalog(ctx, c.db)
	if err != nil {
		return nil, err
	}
	c.index, c.loaded = NewIndex(products), c.now()
	return c.index, nil
}

// loadCatalog reads the active products (one statement).
func loadCatalog(ctx context.Context, store *db.DB) ([]Product, error) {
	rows, err := store.QueryContext(ctx, catalogSQL)
	if err != nil {
		return nil, fmt.Errorf("assistant.LoadCatalog: %w", err)
	}
	defer rows.Close()
	var out []Product
	for rows.Next() {
		var p Product
		if err := rows.Scan(&p.ID, &p.Name, &p.SKU, &p.Category, &p.Description, &p.Price, &p.Stock); err != nil {
			return nil, fmt.Errorf("assistant.LoadCatalog: %w", err)
		}
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("assistant.LoadCatalog: %w", err)
	}
	return out, nil
}

// Retrieval weights: the question itself, the product focus the client sends, and the customer's
// previous messages in the session (so "which battery fits it?" after a question about the H6 finds
// the H6's battery).
const (
	weightQuestion = 1.0
	weightFocus    = 1.0
	weightHistory  = 0.5
	historyTurns   = 2 // previous customer messages that count
	groundingK     = 5 // products a reply is grounded on
)

// retrieve ranks the catalog for a question with its focus and previous customer messages (newest
// last); only hits within a fraction of the best are kept, so a reply does not cite products that
// merely share one word with the question.
func retrieve(ix *Index, question, focus string, previous []string) []Hit {
	q := Query{}
	if n := len(previous); n > historyTurns {
		previous = previous[n-historyTurns:]
	}
	for _, p := range previous {
		ix.Add(q, p, weightHistory)
	}
	if focus != "" {
		ix.Add(q, focus, weightFocus)
	}
	ix.Add(q, question, weightQuestion)
	hits := ix.Search(q, groundingK)
	for i := 1; i < len(hits); i++ {
		if hits[i].Score < hits[0].Score*relevanceFloor {
			return hits[:i]
		}
	}
	return hits
}

// relevanceFloor is the fraction of the best score a hit needs to be cited.
const relevanceFloor = 0.2

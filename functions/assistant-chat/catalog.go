package assistantchat

import (
	"context"
	"database/sql"
	"fmt"
	"sync"
	"time"
)

// maxCatalog bounds the products one load reads: the catalog is small (42 seeded); a larger one
// would call for Oracle Text on ATP (see ARCHITECTURE.md, "Assistant").
const maxCatalog = 2000

// catalogSQL is every active product, at most :1 (maxCatalog), in id order.
const catalogSQL = `SELECT id, name, sku, category, description, price, stock
FROM products
WHERE is_active = 1
ORDER BY id
FETCH FIRST :1 ROWS ONLY`

// catalog keeps the index of the active catalog for a container, rebuilt when older than ttl: a
// product withdrawn or repriced is seen within ttl by every container. It is per Service (no
// package-level state); a failed load is returned, never cached.
type catalog struct {
	db  *sql.DB
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
func loadCatalog(ctx context.Context, store *sql.DB) ([]Product, error) {
	rows, err := store.QueryContext(ctx, catalogSQL, maxCatalog)
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

// Retrieval weights: the question itself, the product focus the client sends, the customer's
// previous messages in the session (the newest at weightHistory, the one before at half that), and
// the product the previous question was answered with, so "and a battery for it?" after a question
// about the H6 finds the H6's battery.
const (
	weightQuestion = 1.0
	weightFocus    = 1.0
	weightHistory  = 0.5
	weightTopic    = 1.0
	historyTurns   = 2 // previous customer messages that count
	groundingK     = 5 // products a reply is grounded on
)

// retrieve ranks the catalog for a question with its focus and previous customer messages (oldest
// first); only hits within a fraction of the best are kept, so a reply does not cite products that
// merely share one word with the question.
//
// Two signals beyond BM25: a question that names a kind of product ("which drone", "a battery") ranks
// products of that category higher (categoryBoost); and the product the previous question was
// answered with (found by the same ranking over the earlier messages, so nothing needs storing) lends
// its name to the query for the other products only: "a battery for it" looks for the battery that
// mentions the drone, not for the drone again.
func retrieve(ix *Index, question, focus string, previous []string) []Hit {
	q := Query{}
	if n := len(previous); n > historyTurns {
		previous = previous[n-historyTurns:]
	}
	for i, p := range previous {
		ix.Add(q, p, weightHistory/float64(len(previous)-i))
	}
	if focus != "" {
		ix.Add(q, focus, weightFocus)
	}
	ix.Add(q, question, weightQuestion)
	scores := ix.Scores(q)
	if wanted := namedCategories(question + " " + focus); len(wanted) > 0 {
		for i, p := range ix.products {
			if wanted[p.Category] {
				scores[i] *= categoryBoost
			} else {
				scores[i] *= otherCategory
			}
		}
	}
	if n := len(previous); n > 0 {
		if topic := retrieve(ix, previous[n-1], focus, previous[:n-1]); len(topic) > 0 {
			tq := Query{}
			ix.Add(tq, topic[0].Product.Name+" "+topic[0].Product.SKU, weightTopic)
			for i, s := range ix.Scores(tq) {
				if ix.products[i].ID != topic[0].Product.ID && scores[i] > 0 {
					scores[i] += s
				}
			}
		}
	}
	hits := ix.top(scores, groundingK)
	for i := 1; i < len(hits); i++ {
		if hits[i].Score < hits[0].Score*relevanceFloor {
			return hits[:i]
		}
	}
	return hits
}

// A question that asks for a kind of product ranks that category's products up and the others down.
const (
	categoryBoost = 2.0
	otherCategory = 0.5
)

// categoryWords are the words that name a category of the catalog.
var categoryWords = map[string]string{
	"drone": "drones", "drones": "drones", "uav": "drones", "uavs": "drones", "quadcopter": "drones",
	"hexacopter": "drones", "octocopter": "drones", "aircraft": "drones", "multirotor": "drones",
	"battery": "batteries", "batteries": "batteries", "charger": "batteries", "chargers": "batteries",
	"camera": "payloads", "cameras": "payloads", "sensor": "payloads", "sensors": "payloads", "payload": "payloads",
	"controller": "controllers", "controllers": "controllers",
}

// contextWords anywhere before a category word make it the context of the question, not what is asked
// for: "a 4G module for my drone", "a drone with a 4K camera", "a backpack to carry the Q4 and its
// batteries".
var contextWords = setOf("for with of on to from fits fit fitting carry carries carrying compatible")

// namedCategories returns the categories text asks for.
func namedCategories(text string) map[string]bool {
	out := map[string]bool{}
	ws := words(text)
	for i, w := range ws {
		c, ok := categoryWords[w]
		if !ok {
			continue
		}
		asked := true
		for _, before := range ws[:i] {
			asked = asked && !contextWords[before]
		}
		if asked {
			out[c] = true
		}
	}
	return out
}

// relevanceFloor is the fraction of the best score a hit needs to be cited.
const relevanceFloor = 0.5

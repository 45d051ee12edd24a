// Package action carries the name of the operation a request runs: the route's pattern, e.g.
// "GET /api/products/{id}". The data layer sends it as the Oracle session ACTION of every statement
// the request runs, so Performance Hub and ASH attribute SQL to a route whether or not the request's
// span was sampled (an unsampled span has no readable name). It is a leaf package so that the router,
// which sets it, and the data layer, which reads it, need not import each other.
package action

import "context"

type key struct{}

// With returns ctx carrying name as the operation's name.
func With(ctx context.Context, name string) context.Context {
	return context.WithValue(ctx, key{}, name)
}

// Of returns the operation name in ctx, "" when none was set.
func Of(ctx context.Context) string {
	name, _ := ctx.Value(key{}).(string)
	return name
}

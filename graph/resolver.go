package graph

// Resolver holds the dependencies of every resolver; server.go wires it
// once. Per-request state (loaders, identity) lives in the context.
type Resolver struct {
	// MaxLocations caps Query.locations(ids:).
	MaxLocations int
}

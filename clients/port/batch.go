package port

// The bulk-upsert body is bulkPrefix + items joined by "," + bulkSuffix, built
// from the exact bytes of each encoded entity, so its size is known before it
// is sent.
const (
	bulkPrefix = `{"entities":[`
	bulkSuffix = `]}`
)

// planBatches splits items (encoded entities, in order) into batches of at most
// maxLen items whose bulk body is at most maxBytes. An item too large to fit a
// body on its own goes to oversize instead, to be sent through the single route.
// Both results hold positions in items.
func planBatches(items [][]byte, maxLen, maxBytes int) (batches [][]int, oversize []int) {
	var cur []int
	size := 0
	for i, it := range items {
		if len(bulkPrefix)+len(it)+len(bulkSuffix) > maxBytes {
			oversize = append(oversize, i)
			continue
		}
		add := len(it)
		if len(cur) > 0 {
			add++ // comma
		}
		if len(cur) > 0 && (len(cur) >= maxLen || size+add > maxBytes) {
			batches = append(batches, cur)
			cur, add = nil, len(it)
		}
		if len(cur) == 0 {
			size = len(bulkPrefix) + len(bulkSuffix)
		}
		cur = append(cur, i)
		size += add
	}
	if len(cur) > 0 {
		batches = append(batches, cur)
	}
	return batches, oversize
}

// appendBulkBody appends the bulk-upsert body of the given items to dst, and
// returns where in it each item's bytes are.
func appendBulkBody(dst []byte, items [][]byte, idx []int) ([]byte, [][2]int) {
	spans := make([][2]int, len(idx))
	dst = append(dst, bulkPrefix...)
	for k, i := range idx {
		if k > 0 {
			dst = append(dst, ',')
		}
		start := len(dst)
		dst = append(dst, items[i]...)
		spans[k] = [2]int{start, len(dst)}
	}
	return append(dst, bulkSuffix...), spans
}

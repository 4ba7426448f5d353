module example.com/demo

go 1.26.0

require github.com/ocean-go/ocean v0.1.0

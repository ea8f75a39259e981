module github.com/tfc-project/tfc

go 1.26

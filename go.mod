module goatdb

go 1.26

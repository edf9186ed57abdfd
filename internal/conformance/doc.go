// Package conformance holds the test that runs tradestat's SQL on the current ClickHouse
// engine (chdb, docs/domain.md) beside Debian's 18.16 and requires the same results. The test is
// built only with -tags chdb, because chdb-go's package init needs libchdb.so (CHDB_LIB_PATH;
// deploy/chdb.sh fetches it from the npm registry); make test runs it.
package conformance

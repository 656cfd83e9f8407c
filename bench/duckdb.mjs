// bench/duckdb.mjs - DuckDB as a peer of bench/run.sh
//
// usage: node bench/duckdb.mjs SQL
//
// Opens an in-memory DuckDB (the npm package @duckdb/node-api, installed
// into bench/node_modules by "make bench"), runs the one SQL statement
// given and prints the rows of its result on standard output, one a line,
// the values joined by commas, without a header and without quoting (NULL
// prints as nothing). A query that wants a value printed in a given form
// says so in SQL (a cast or a format). With SQL "-" it prints the version
// of DuckDB. Exit status 0, or 2 with a message on standard error.

import { DuckDBInstance, version } from '@duckdb/node-api';

function fail(msg) {
	process.stderr.write(`duckdb.mjs: ${msg}\n`);
	process.exit(2);
}

// write TEXT to standard output, waiting when the pipe is full
function write(text) {
	return new Promise((resolve, reject) => {
		process.stdout.write(text, (err) => (err ? reject(err) : resolve()));
	});
}

// one value as the other peers print it: NULL as nothing, the rest (bigint,
// number, string, DuckDB's own value objects) by their string form
function show(v) {
	return v === null || v === undefined ? '' : String(v);
}

async function main() {
	const argv = process.argv.slice(2);
	if (argv.length !== 1 || argv[0] === '') {
		fail('usage: node bench/duckdb.mjs SQL');
	}
	if (argv[0] === '-') {
		await write(`${version()}\n`);
		return;
	}
	const instance = await DuckDBInstance.create(':memory:');
	const connection = await instance.connect();
	const result = await connection.stream(argv[0]);
	// a chunk (up to 2048 rows) a write: no row is kept after it is printed
	for await (const rows of result.yieldRows()) {
		let text = '';
		for (const row of rows) {
			text += row.map(show).join(',') + '\n';
		}
		if (text !== '') {
			await write(text);
		}
	}
	connection.closeSync();
	instance.closeSync();
}

main().catch((err) => fail(err && err.message ? err.message : String(err)));

// Cold-start probe: imports each module named on the command line, in order, then exits.
for (const path of process.argv.slice(2)) await import(path);

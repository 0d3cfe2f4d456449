#!/usr/bin/env node
// The `ddvi` command. A committed entry point rather than dist/bin.js itself: a workspace install
// links package bins before `build` has written dist/, and a bin whose file is missing then is
// never linked, so `npx ddvi` in a fresh clone would look for a package named ddvi on the registry.
import '../dist/bin.js';

#!/usr/bin/env node
// The aos-ts executable: the built CLI does the work.
import '../dist/cli.js';

#!/usr/bin/env node
// The `hooks-tui` program as installed: a package it cannot load (Sequelize, a driver, Ink, React) is one line, exit 3.
import {runProgram} from './missing-package.js';

await runProgram(async () => import('./hooks-tui.js'));

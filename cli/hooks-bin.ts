#!/usr/bin/env node
// The `hooks` program as installed: a package it cannot load (Sequelize, the database's driver) is one line, exit 3.
import {runProgram} from './missing-package.js';

await runProgram(async () => import('./hooks.js'));

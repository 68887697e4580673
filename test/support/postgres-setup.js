'use strict';
/** jest.pg.config.js's globalSetup: creates this run's database (see postgres-run.js). */
module.exports = require('./postgres-run').setup;

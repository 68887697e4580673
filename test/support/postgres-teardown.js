'use strict';
/** jest.pg.config.js's globalTeardown: drops this run's database (see postgres-run.js). */
module.exports = require('./postgres-run').teardown;

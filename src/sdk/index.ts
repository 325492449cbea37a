/** The public contract of Hangar: wire types, the error hierarchy and the typed client. */
export * from './errors.js';
export * from './headers.js';
export * from './users.js';
export * from './organizations.js';
export * from './deployment.js';
export * from './client.js';
export * from './users-client.js';
export * from './hangar-client.js';
export * from './version.js';
export * from './logger.js';
export * from './validation.js';
export * from './deployment-options.js';

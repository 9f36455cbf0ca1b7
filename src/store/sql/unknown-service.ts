/** The service name samples of instances that never said their service are kept under. */
export const UNKNOWN_SERVICE_NAME = '';

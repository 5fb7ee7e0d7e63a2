// Schemas of the monitoring part of the API.
export {};

// Schemas of the intake part of the API.
export {};

// Schemas of the treatment part of the API.
export {};

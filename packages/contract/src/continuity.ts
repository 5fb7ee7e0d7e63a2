// Schemas of the continuity part of the API.
export {};

export { runValidation, type ValidationOptions } from "./run-validation.js";

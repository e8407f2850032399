/* The page-level call Datasette 1.0a41 makes inline in database.html and query.html. */
window.addEventListener("DOMContentLoaded", () => {
  window.datasetteSqlParameters.setupSqlParameterRefresh({});
});

-- The record of who did what, newest first, with optional filters.
-- Returns: id, happened_at, actor, action, target, outcome, detail
-- $since TIMESTAMP   only lines at or after it; null: all
-- $actor VARCHAR     only this actor; null: all
-- $action VARCHAR    only this action; null: all
-- $outcome VARCHAR   only this outcome; null: all
select id, happened_at, actor, action, target, outcome, detail
from audit
where ($since is null or happened_at >= $since)
  and ($actor is null or actor = $actor)
  and ($action is null or action = $action)
  and ($outcome is null or outcome = $outcome)
order by happened_at desc, id desc

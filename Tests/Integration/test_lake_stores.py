"""CloudTrail Lake event data stores through the real AWS CLI: create/get/list/update/delete/restore, ingestion
control, termination protection, table aliases and the pending-deletion purge."""
import json
import os
import time

import pytest

from conftest import ACCOUNT


def cli(server, *args, check=True):
    result = server.aws("cloudtrail", *args, check=check)
    return json.loads(result.stdout) if check and result.stdout.strip() else result


def error_type(result):
    assert result.returncode != 0
    return result.stderr


def test_create_get_list_with_aws_defaults(server):
    created = cli(server, "create-event-data-store", "--name", "my-event-data-store")
    arn = created["EventDataStoreArn"]
    assert arn.startswith(f"arn:aws:cloudtrail:us-east-1:{ACCOUNT}:eventdatastore/")
    assert created["Status"] == "CREATED"
    assert created["MultiRegionEnabled"] is True and created["OrganizationEnabled"] is False
    assert created["TerminationProtectionEnabled"] is True
    assert created["RetentionPeriod"] == 366
    assert created["BillingMode"] == "EXTENDABLE_RETENTION_PRICING"
    assert created["AdvancedEventSelectors"][0]["FieldSelectors"] == [{"Field": "eventCategory", "Equals": ["Management"]}]

    got = cli(server, "get-event-data-store", "--event-data-store", arn)
    assert got["Status"] == "ENABLED" and got["Name"] == "my-event-data-store"
    by_id = cli(server, "get-event-data-store", "--event-data-store", arn.split("/")[-1])
    assert by_id["EventDataStoreArn"] == arn

    listed = cli(server, "list-event-data-stores")["EventDataStores"]
    assert [s["EventDataStoreArn"] for s in listed] == [arn]

    dup = cli(server, "create-event-data-store", "--name", "my-event-data-store", check=False)
    assert "EventDataStoreAlreadyExistsException" in error_type(dup)


def test_termination_protection_delete_and_restore(server):
    arn = cli(server, "create-event-data-store", "--name", "protected-store")["EventDataStoreArn"]
    refused = cli(server, "delete-event-data-store", "--event-data-store", arn, check=False)
    assert "EventDataStoreTerminationProtectedException" in error_type(refused)

    updated = cli(server, "update-event-data-store", "--event-data-store", arn, "--no-termination-protection-enabled",
                  "--retention-period", "90")
    assert updated["TerminationProtectionEnabled"] is False and updated["RetentionPeriod"] == 90

    server.aws("cloudtrail", "delete-event-data-store", "--event-data-store", arn)
    assert cli(server, "get-event-data-store", "--event-data-store", arn)["Status"] == "PENDING_DELETION"
    again = cli(server, "delete-event-data-store", "--event-data-store", arn, check=False)
    assert "InactiveEventDataStoreException" in error_type(again)

    restored = cli(server, "restore-event-data-store", "--event-data-store", arn)
    assert restored["Status"] == "ENABLED"
    not_pending = cli(server, "restore-event-data-store", "--event-data-store", arn, check=False)
    assert "InvalidEventDataStoreStatusException" in error_type(not_pending)


def test_start_and_stop_ingestion(server):
    arn = cli(server, "create-event-data-store", "--name", "paused", "--no-start-ingestion")["EventDataStoreArn"]
    assert cli(server, "get-event-data-store", "--event-data-store", arn)["Status"] == "STOPPED_INGESTION"
    bad = cli(server, "stop-event-data-store-ingestion", "--event-data-store", arn, check=False)
    assert "InvalidEventDataStoreStatusException" in error_type(bad)
    server.aws("cloudtrail", "start-event-data-store-ingestion", "--event-data-store", arn)
    assert cli(server, "get-event-data-store", "--event-data-store", arn)["Status"] == "ENABLED"
    server.aws("cloudtrail", "stop-event-data-store-ingestion", "--event-data-store", arn)
    assert cli(server, "get-event-data-store", "--event-data-store", arn)["Status"] == "STOPPED_INGESTION"


def test_selectors_validation_and_unknown_store(server):
    selectors = json.dumps([{"Name": "console logins", "FieldSelectors": [
        {"Field": "eventCategory", "Equals": ["Management"]}, {"Field": "eventName", "Equals": ["ConsoleLogin"]}]}])
    created = cli(server, "create-event-data-store", "--name", "logins", "--advanced-event-selectors", selectors)
    assert created["AdvancedEventSelectors"][0]["Name"] == "console logins"
    bad = json.dumps([{"FieldSelectors": [{"Field": "eventCategory", "Equals": ["Insight"]},
                                          {"Field": "eventName", "Equals": ["X"]}]}])
    refused = cli(server, "create-event-data-store", "--name", "bad", "--advanced-event-selectors", bad, check=False)
    assert "InvalidEventSelectorsException" in error_type(refused)
    missing = cli(server, "get-event-data-store", "--event-data-store",
                  f"arn:aws:cloudtrail:us-east-1:{ACCOUNT}:eventdatastore/00000000-0000-0000-0000-000000000000", check=False)
    assert "EventDataStoreNotFoundException" in error_type(missing)


def test_table_alias_tags(server):
    arn = cli(server, "create-event-data-store", "--name", "golden", "--no-termination-protection-enabled",
              "--tags-list", "Key=trailkeeper:table-alias,Value=event_data_store_ID")["EventDataStoreArn"]
    tags = cli(server, "list-tags", "--resource-id-list", arn)["ResourceTagList"][0]["TagsList"]
    assert tags == [{"Key": "trailkeeper:table-alias", "Value": "event_data_store_ID"}]
    clash = cli(server, "create-event-data-store", "--name", "other",
                "--tags-list", "Key=trailkeeper:table-alias,Value=event_data_store_ID", check=False)
    assert "InvalidTagParameterException" in error_type(clash)
    server.aws("cloudtrail", "remove-tags", "--resource-id", arn, "--tags-list", "Key=trailkeeper:table-alias")
    assert cli(server, "list-tags", "--resource-id-list", arn)["ResourceTagList"][0]["TagsList"] == []


def test_pending_deletion_is_purged_after_the_period(make_server, tmp_path):
    config = tmp_path / "lake.yaml"
    config.write_text("lake:\n  pending-deletion-period: 2s\n")
    server = make_server("--config", str(config))
    arn = cli(server, "create-event-data-store", "--name", "short-lived",
              "--no-termination-protection-enabled")["EventDataStoreArn"]
    server.aws("cloudtrail", "delete-event-data-store", "--event-data-store", arn)
    deadline = time.time() + 15
    while time.time() < deadline:
        result = cli(server, "get-event-data-store", "--event-data-store", arn, check=False)
        if result.returncode != 0:
            assert "EventDataStoreNotFoundException" in result.stderr
            break
        time.sleep(0.5)
    else:
        pytest.fail("the store was not purged")
    assert not os.path.exists(os.path.join(server.data_dir, "lake", "stores", arn.split("/")[-1] + ".sqlite"))


def test_store_limit(make_server, tmp_path):
    config = tmp_path / "lake.yaml"
    config.write_text("lake:\n  max-event-data-stores: 1\n")
    server = make_server("--config", str(config))
    cli(server, "create-event-data-store", "--name", "only-one")
    refused = cli(server, "create-event-data-store", "--name", "second", check=False)
    assert "EventDataStoreMaxLimitExceededException" in error_type(refused)

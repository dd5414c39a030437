//go:build ignore

// gen writes wire.pb.go from the descriptor below, which must match
// wire.proto: protoc-gen-go's generator run as a library, so that no protoc
// is needed. Run with: go generate ./actor/internal/wire
package main

import (
	"log"
	"os"

	gengo "google.golang.org/protobuf/cmd/protoc-gen-go/internal_gengo"
	"google.golang.org/protobuf/compiler/protogen"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/descriptorpb"
	"google.golang.org/protobuf/types/pluginpb"
)

func main() {
	field := func(name, json string, n int32, typ descriptorpb.FieldDescriptorProto_Type, repeated bool) *descriptorpb.FieldDescriptorProto {
		label := descriptorpb.FieldDescriptorProto_LABEL_OPTIONAL
		if repeated {
			label = descriptorpb.FieldDescriptorProto_LABEL_REPEATED
		}
		return &descriptorpb.FieldDescriptorProto{
			Name: proto.String(name), Number: proto.Int32(n), Type: typ.Enum(), Label: label.Enum(),
			JsonName: proto.String(json),
		}
	}
	message := func(name, json string, n int32, typ string, repeated bool) *descriptorpb.FieldDescriptorProto {
		f := field(name, json, n, descriptorpb.FieldDescriptorProto_TYPE_MESSAGE, repeated)
		f.TypeName = proto.String(".murmur.wire." + typ)
		return f
	}
	msg := func(name string, fields ...*descriptorpb.FieldDescriptorProto) *descriptorpb.DescriptorProto {
		return &descriptorpb.DescriptorProto{Name: proto.String(name), Field: fields}
	}
	var (
		b   = descriptorpb.FieldDescriptorProto_TYPE_BYTES
		str = descriptorpb.FieldDescriptorProto_TYPE_STRING
		i32 = descriptorpb.FieldDescriptorProto_TYPE_INT32
		i64 = descriptorpb.FieldDescriptorProto_TYPE_INT64
		u64 = descriptorpb.FieldDescriptorProto_TYPE_UINT64
		bl  = descriptorpb.FieldDescriptorProto_TYPE_BOOL
	)
	file := &descriptorpb.FileDescriptorProto{
		Name:    proto.String("actor/internal/wire/wire.proto"),
		Package: proto.String("murmur.wire"),
		Syntax:  proto.String("proto3"),
		Options: &descriptorpb.FileOptions{GoPackage: proto.String("github.com/murmur-go/murmur/actor/internal/wire")},
		MessageType: []*descriptorpb.DescriptorProto{
			msg("Envelope",
				field("body", "body", 1, b, false),
				field("buffers", "buffers", 2, b, true),
				field("request", "request", 3, bl, false),
				field("error_code", "errorCode", 4, i32, false),
				field("error", "error", 5, str, false),
				field("trace", "trace", 6, b, false),
			),
			msg("Address",
				field("node", "node", 1, str, false),
				field("id", "id", 2, str, false),
			),
			msg("Supervision",
				field("strategy", "strategy", 1, i32, false),
				field("max_restarts", "maxRestarts", 2, i64, false),
				field("within", "within", 3, i64, false),
				field("backoff", "backoff", 4, i64, false),
				field("escalate", "escalate", 5, bl, false),
			),
			msg("Mailbox",
				field("max_messages", "maxMessages", 1, i64, false),
				field("max_bytes", "maxBytes", 2, i64, false),
				field("policy", "policy", 3, i32, false),
				field("throughput", "throughput", 4, i64, false),
				field("linger", "linger", 5, i64, false),
			),
			msg("SpawnOptions",
				field("name", "name", 1, str, false),
				message("mailbox", "mailbox", 2, "Mailbox", false),
				field("max_steps", "maxSteps", 3, u64, false),
				message("supervision", "supervision", 4, "Supervision", false),
				field("receive_timeout", "receiveTimeout", 5, i64, false),
				field("message_timeout", "messageTimeout", 6, i64, false),
			),
			msg("File",
				field("path", "path", 1, str, false),
				field("hash", "hash", 2, str, false),
			),
			msg("Source",
				field("hash", "hash", 1, str, false),
				field("source", "source", 2, b, false),
			),
			msg("Spawn",
				field("script", "script", 1, str, false),
				message("files", "files", 2, "File", true),
				message("sources", "sources", 3, "Source", true),
				field("behavior", "behavior", 4, str, false),
				message("parent", "parent", 5, "Address", false),
				message("args", "args", 6, "Envelope", false),
				message("options", "options", 7, "SpawnOptions", false),
			),
			msg("SpawnAnswer",
				message("address", "address", 1, "Address", false),
				field("missing", "missing", 2, str, true),
			),
			msg("Stop",
				field("id", "id", 1, str, false),
				field("by", "by", 2, str, false),
			),
			msg("ShipKind",
				field("kind", "kind", 1, str, false),
				field("script", "script", 2, str, false),
				message("files", "files", 3, "File", true),
				message("sources", "sources", 4, "Source", true),
			),
		},
	}
	req := &pluginpb.CodeGeneratorRequest{FileToGenerate: []string{file.GetName()}, ProtoFile: []*descriptorpb.FileDescriptorProto{file}}
	gen, err := protogen.Options{}.New(req)
	if err != nil {
		log.Fatal(err)
	}
	for _, f := range gen.Files {
		if f.Generate {
			gengo.GenerateFile(gen, f)
		}
	}
	resp := gen.Response()
	if resp.Error != nil {
		log.Fatal(*resp.Error)
	}
	for _, f := range resp.File {
		if err := os.WriteFile("wire.pb.go", []byte(f.GetContent()), 0o644); err != nil {
			log.Fatal(err)
		}
	}
}
